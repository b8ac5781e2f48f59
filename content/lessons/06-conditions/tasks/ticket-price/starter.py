age = int(input())

if age < 4:
    print("Ticket: free")
