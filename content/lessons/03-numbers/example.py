apples = 7
friends = 2

print(apples + friends)
print(apples - friends)
print(apples * friends)
print(apples / friends)

# Whole-number division and the remainder: 3 apples each, 1 left over.
print(apples // friends, apples % friends)

print(2 ** 10)
print(2 + 3 * 4)
print((2 + 3) * 4)

points = 10
points = points + 5
print("Points:", points)
