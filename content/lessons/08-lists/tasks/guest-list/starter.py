guests = ["Amara", "Bruno"]
new_guest = input()

# Add the new guest, then print every guest with a number.
for guest in guests:
    print(guest)
