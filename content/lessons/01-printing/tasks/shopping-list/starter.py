print("Shopping list")
print("- apples")
