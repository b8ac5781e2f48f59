name = input("What is your name? ")
number = int(input("Pick a whole number: "))

print(f"Nice to meet you, {name}!")
print(f"Twice your number is {number * 2}.")
print("The prompts appear above, but the answers do not, because nobody typed them.")
