# Each call to print() writes one line.
print("Hello, world!")
print("Python runs this program from top to bottom.")

# An empty print() writes an empty line.
print()

# Values separated by commas are printed with a space between them.
print("Lessons in this phase:", 8)
print("one", "two", "three")
