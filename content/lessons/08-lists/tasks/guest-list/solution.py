guests = ["Amara", "Bruno"]
new_guest = input()

guests.append(new_guest)

position = 1
for guest in guests:
    print(f"{position}. {guest}")
    position = position + 1
