word = "chocolate"

line = "=" * len(word)
print(line)
print(word.upper())
print(line)
