place = "Oslo"

print("Greetings from", place)
print(place, "is lovely in spring.")
print("See you soon, and say hello to", place, "for me!")
