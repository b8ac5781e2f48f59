print("====================")
# Print the other two lines below.
