items = [("apples", 3), ("bread", 12)]

# :<8 pads on the right to 8 characters, :>4 pads on the left to 4.
for name, count in items:
    print(f"{name:<8}|{count:>4}")

# :.2f rounds a number to two digits after the point.
print(f"{3.14159:.2f}")

# :^9 centres the text in 9 characters.
print(f"[{'end':^9}]")
