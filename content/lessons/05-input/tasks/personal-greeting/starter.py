name = input()

print("Hello!")
print("Welcome to LearnPython.")
