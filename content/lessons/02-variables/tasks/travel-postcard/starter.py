# Create the variable place here.

print("Greetings from Oslo")
