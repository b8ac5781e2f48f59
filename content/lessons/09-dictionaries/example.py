# A dictionary maps keys to values.
ages = {"Ana": 31, "Ben": 27}
print(ages["Ana"])

# Assigning to a new key adds it.
ages["Cleo"] = 35
print(len(ages))

# items() gives each key together with its value.
for name, age in ages.items():
    print(name, "is", age)

# in checks the keys; get() gives a fallback for a missing key.
print("Ben" in ages)
print(ages.get("Dan", 0))
