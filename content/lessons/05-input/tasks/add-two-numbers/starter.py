first = input()
second = input()

print(first + second)
