first_name = "Grace"
last_name = "Hopper"

# Build the initials from the two names.
initials = ""

print("Initials:", initials)
