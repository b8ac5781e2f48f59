total = 0
number = int(input())

# Keep adding and reading numbers until number is 0.

print("Total:", total)
