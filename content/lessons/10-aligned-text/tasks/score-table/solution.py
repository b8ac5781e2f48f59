scores = [("Ana", 92), ("Bartholomew", 8), ("Cy", 75)]
for name, score in scores:
    print(f"{name:<12}{score:>3}")
