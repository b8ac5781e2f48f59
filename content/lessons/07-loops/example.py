for number in range(1, 4):
    print("Round", number)

total = 0
for number in range(1, 6):
    total = total + number
print("Sum of 1 to 5:", total)

for letter in "hey":
    print(letter.upper())

countdown = 3
while countdown > 0:
    print(countdown)
    countdown = countdown - 1
print("Lift off!")
