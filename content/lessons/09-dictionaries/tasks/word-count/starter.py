words = input().split()
counts = {}
# Count each word, then print every word with its count.
