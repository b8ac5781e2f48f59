phone_book = {"Ana": "555-0101", "Ben": "555-0199", "Cleo": "555-0123"}
name = input()
# Print the number for the name, or Unknown when the name is not in the book.
