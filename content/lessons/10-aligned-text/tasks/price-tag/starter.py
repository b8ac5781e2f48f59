name = input()
price = float(input())
# Print the name and the price with two digits after the point.
