number = int(input())

# Replace this line with a loop that prints all five lines.
print(number, "x 1 =", number * 1)
