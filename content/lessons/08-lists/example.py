colours = ["red", "green", "blue"]
print(colours)
print(colours[0], colours[-1])
print(len(colours))

colours.append("yellow")
print(colours)
print("green" in colours)

for colour in colours:
    print("I like", colour)

scores = [7, 3, 9]
print(sum(scores), min(scores), max(scores))
print(sorted(scores))

words = input().split()
print(words)
