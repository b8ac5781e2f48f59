width = 5
length = 12

area = width * length
fence = 2 * (width + length)

print("Area:", area)
print("Fence:", fence)
