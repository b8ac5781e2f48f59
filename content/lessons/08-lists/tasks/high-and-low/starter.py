parts = input().split()
numbers = []

# Convert each part to an int and add it to numbers.

print("Count:", len(numbers))
