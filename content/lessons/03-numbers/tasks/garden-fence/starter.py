width = 5
length = 12

# Calculate the area and the fence length.
