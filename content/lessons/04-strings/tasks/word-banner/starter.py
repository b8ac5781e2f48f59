word = "chocolate"

print(word)
