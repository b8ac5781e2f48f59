print("====================")
print("Welcome to Python!")
print("====================")
