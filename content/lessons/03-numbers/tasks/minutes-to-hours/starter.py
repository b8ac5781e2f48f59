minutes = 135

# Work out the whole hours and the minutes left over.
hours = 0
rest = 0

print(minutes, "minutes is", hours, "hours and", rest, "minutes")
