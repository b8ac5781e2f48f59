parts = input().split()
numbers = []

for part in parts:
    numbers.append(int(part))

print("Count:", len(numbers))
print("Highest:", max(numbers))
print("Lowest:", min(numbers))
