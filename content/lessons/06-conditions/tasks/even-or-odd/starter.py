number = int(input())

# Decide whether number is even or odd.
print(number, "is even")
