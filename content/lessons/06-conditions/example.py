temperature = int(input())

if temperature >= 25:
    print("A warm day: take some water.")
elif temperature >= 10:
    print("A mild day: take a jacket.")
else:
    print("A cold day: take a coat and a hat.")

if temperature < 0 or temperature > 35:
    print("Take care outside today.")

print("Enjoy your walk!")
