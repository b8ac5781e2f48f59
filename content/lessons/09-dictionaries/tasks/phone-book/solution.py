phone_book = {"Ana": "555-0101", "Ben": "555-0199", "Cleo": "555-0123"}
name = input()
print(phone_book.get(name, "Unknown"))
