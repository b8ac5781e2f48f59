age = int(input())

if age < 4:
    print("Ticket: free")
elif age < 18:
    print("Ticket: 6 dollars")
else:
    print("Ticket: 12 dollars")
