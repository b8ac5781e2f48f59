name = input()

print(f"Hello, {name}!")
print("Welcome to LearnPython.")
