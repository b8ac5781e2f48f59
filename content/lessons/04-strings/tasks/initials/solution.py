first_name = "Grace"
last_name = "Hopper"

initials = first_name[0] + "." + last_name[0] + "."

print("Initials:", initials)
