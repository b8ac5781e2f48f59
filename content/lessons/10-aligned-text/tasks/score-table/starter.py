scores = [("Ana", 92), ("Bartholomew", 8), ("Cy", 75)]
# Print one line per player: the name in 12 characters, then the score in 3.
