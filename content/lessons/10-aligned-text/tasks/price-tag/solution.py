name = input()
price = float(input())
print(f"{name}: ${price:.2f}")
