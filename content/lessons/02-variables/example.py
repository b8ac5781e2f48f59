city = "Lisbon"
visitors = 120
print(city)
print("Visitors today:", visitors)

# Giving a variable a new value replaces the old one.
city = "Porto"
print("Next stop:", city)

# One variable can be copied into another.
home = city
print("Home is", home)
