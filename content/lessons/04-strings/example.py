word = "python"

print(len(word))
print(word[0], word[-1])
print(word[0:3])
print(word[3:])

print(word.upper())
print(word.replace("p", "P"))

print("sun" + "flower")
print("ha" * 3)

language = "Python"
print(f"{language} has {len(language)} letters.")
