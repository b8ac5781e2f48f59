minutes = 135

hours = minutes // 60
rest = minutes % 60

print(minutes, "minutes is", hours, "hours and", rest, "minutes")
