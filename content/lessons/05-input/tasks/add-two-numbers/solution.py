first = int(input())
second = int(input())

print(first + second)
