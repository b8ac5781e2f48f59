/**
 * Ordinary beginner programs for the conformance suite. Their expected output
 * is not written here: conformance.test.ts runs each one with Debian's CPython
 * and compares every backend's output with it.
 */

/** One beginner program with the stdin it is given. */
export interface ConformanceProgram {
  name: string;
  code: string;
  stdin?: string;
}

/** Removes the common leading indentation, so programs can be written indented in this file. */
function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').trimEnd().split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length);
  const common = Math.min(...indents);
  return `${lines.map((line) => line.slice(common)).join('\n')}\n`;
}

export const CONFORMANCE_PROGRAMS: readonly ConformanceProgram[] = [
  {
    name: 'print with sep and end',
    code: dedent(`
      print("a", "b", "c", sep="-", end="!\\n")
      print(1, 2.5, None, True, sep="")
      print()
      print("no newline", end="")
      print(" then one")
      print("tab\\tand", "quote\\"s", sep=" | ")
      print(*range(5), sep=", ")
    `),
  },
  {
    name: 'f-strings with format specs',
    code: dedent(`
      pi = 3.14159265
      name = "Ada"
      width, precision = 10, 3
      print(f"{pi:.2f} {pi:10.4f}| {pi:{width}.{precision}f}|")
      print(f"{42:05d} {1234567:,} {1234567.891:,.2f} {-7:+d} {7:+d}")
      print(f"[{'left':<10}] [{'right':>10}] [{'mid':^10}] [{'pad':*^9}]")
      print(f"{255:x} {255:X} {255:o} {255:b} {255:#x} {255:#010b}")
      print(f"{0.125:.1%} {1e10:e} {123456789:.3e} {0.000012345:g}")
      print(f"{name!r} {name!s} {name:>6} {name.upper()}")
      print(f"{3 + 4 = } {name = }")
      print(f"{{literal braces}} {len(name)}")
    `),
  },
  {
    name: 'input from stdin',
    code: dedent(`
      name = input("What is your name? ")
      age = int(input("How old are you? "))
      print(f"Hello, {name}! Next year you will be {age + 1}.")
      numbers = [int(part) for part in input().split()]
      print("sum:", sum(numbers), "max:", max(numbers))
    `),
    stdin: 'Grace\n36\n4 8 15 16 23 42\n',
  },
  {
    name: 'reading stdin line by line',
    code: dedent(`
      import sys
      total = 0
      for line_number, line in enumerate(sys.stdin, start=1):
          words = line.split()
          total += len(words)
          print(line_number, repr(line))
      print("words:", total)
    `),
    stdin: 'the quick brown fox\njumps over\n\nthe lazy dog',
  },
  {
    name: 'arithmetic',
    code: dedent(`
      print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 7 % -3, divmod(-7, 2))
      print(2 ** 10, 2 ** -1, 2 ** 100, (-8) ** (1 / 3))
      print(0.1 + 0.2, 1 / 3, 10 / 4, 2 / 3 * 3, 1e16 + 1, 1e-7)
      print(round(2.5), round(3.5), round(-0.5), round(2.675, 2), round(1234.5678, -2))
      print(int("42") + float("1.5"), int(-3.9), int("ff", 16), float("inf"), -float("inf"))
      print(abs(-3), pow(3, 4, 5), 10 ** 20 / 3, 10 ** 20 // 3, max(3, 9, 2), min([4, 1, 7]))
      print((1 + 2j) * (3 - 1j), 1e300 * 1e10, float("nan") == float("nan"))
      print(sum([0.1] * 10), 3 * 0.1, 100 * 1.1, 1.0, 5e-324, 1.7976931348623157e308)
      print(True + True, 17 / 5, 17 // 5.0, -17 // 5, 0.5 .as_integer_ratio())
    `),
  },
  {
    name: 'string methods',
    code: dedent(`
      text = "  Hello, World of Python  "
      print(repr(text.strip()), repr(text.lstrip()), repr(text.rstrip()))
      print(text.upper(), text.lower(), text.title(), text.swapcase(), sep="|")
      words = text.split()
      print(words, "-".join(words), text.split(","), "a,b,,c".split(","))
      print(text.replace("o", "0"), text.find("World"), text.find("Java"), text.count("o"))
      print("python".capitalize(), "python".center(12, "*"), "42".zfill(5), "abc".ljust(5, ".") + "|")
      print("12".isdigit(), "ab".isalpha(), "a1".isalnum(), " ".isspace(), "Hi".startswith("H"), "Hi".endswith("i"))
      print("racecar"[::-1], "python"[1:4], "python"[-2:], "python"[::2])
      print("it's", 'say "hi"', repr("it's"), repr('say "hi"'), repr("both ' and \\""))
      print("straße".upper(), "STRASSE".casefold() == "straße".casefold(), "%s has %d items, %.1f%%" % ("cart", 3, 99.5))
      print("{} + {} = {}".format(1, 2, 3), "{0}{1}{0}".format("ab", "cd"), "{name:>5}".format(name="x"))
      print(ord("A"), chr(97), "abc" < "abd", "Z" < "a", str(3.0), str([1, "a"]))
    `),
  },
  {
    name: 'lists',
    code: dedent(`
      numbers = [5, 3, 8, 1]
      numbers.append(9)
      numbers.extend([2, 7])
      numbers.insert(0, 6)
      print(numbers, len(numbers), numbers.pop(), numbers.pop(0), numbers)
      numbers.remove(8)
      print(sorted(numbers), sorted(numbers, reverse=True), numbers.index(3), numbers.count(1))
      numbers.sort()
      numbers.reverse()
      print(numbers, numbers[1:3], numbers[::-1], numbers[-1])
      words = ["banana", "Apple", "cherry", "date"]
      print(sorted(words), sorted(words, key=str.lower), sorted(words, key=len), max(words, key=len))
      squares = [n * n for n in range(10) if n % 2 == 0]
      grid = [[row * 3 + column for column in range(3)] for row in range(3)]
      print(squares, grid, grid[1][2], [cell for row in grid for cell in row])
      alias = squares
      copy = squares[:]
      alias.append(100)
      print(squares, copy, alias is squares, copy == squares)
      for index, (word, length) in enumerate(zip(words, map(len, words))):
          print(index, word, length)
      print([None, True, 1.5, "s", (1,), [2], {3: 4}], [] == [], [1, 2] < [1, 3])
    `),
  },
  {
    name: 'dicts keep insertion order',
    code: dedent(`
      ages = {"Ada": 36, "Grace": 45}
      ages["Linus"] = 21
      ages["Ada"] = 37
      ages.update({"Guido": 67, "Grace": 46})
      print(ages, list(ages), ages.keys(), ages.values(), ages.items())
      print(ages.get("Nobody"), ages.get("Nobody", 0), "Ada" in ages, 37 in ages)
      print(ages.setdefault("Margaret", 33), ages.pop("Linus"), ages)
      del ages["Guido"]
      by_age = dict(sorted(ages.items(), key=lambda item: item[1]))
      print(by_age, max(ages, key=ages.get), len(ages))
      counts = {}
      for letter in "mississippi":
          counts[letter] = counts.get(letter, 0) + 1
      print(counts, {key: value * 2 for key, value in counts.items() if value > 1})
      nested = {"user": {"name": "Ada", "tags": ["math", "code"]}, "active": True, "score": None}
      print(nested, nested["user"]["tags"][-1])
      for name, age in ages.items():
          print(f"{name:<10}{age:>4}")
    `),
  },
  {
    name: 'loops',
    code: dedent(`
      for number in range(10, 0, -3):
          print(number, end=" ")
      print()
      count = 0
      while True:
          count += 1
          if count % 2 == 0:
              continue
          if count > 7:
              break
          print("odd", count)
      for candidate in range(2, 20):
          for divisor in range(2, candidate):
              if candidate % divisor == 0:
                  break
          else:
              print(candidate, "is prime")
      n = 5
      while n > 0:
          n -= 2
      else:
          print("while-else ran with n =", n)
      for row in range(1, 4):
          print(" ".join(str(row * column).rjust(2) for column in range(1, 6)))
    `),
  },
  {
    name: 'functions',
    code: dedent(`
      def greet(name, greeting="Hello", *, punctuation="!"):
          """Return a greeting."""
          return f"{greeting}, {name}{punctuation}"

      def total(*numbers, **options):
          result = sum(numbers)
          return round(result, options.get("digits", 0)), sorted(options)

      def make_counter():
          count = 0
          def increment():
              nonlocal count
              count += 1
              return count
          return increment

      def factorial(n):
          return 1 if n <= 1 else n * factorial(n - 1)

      def fibonacci():
          a, b = 0, 1
          while True:
              yield a
              a, b = b, a + b

      print(greet("Ada"), greet("Grace", "Hi"), greet("Linus", punctuation="?"))
      print(total(1.25, 2.5, digits=1, unit="m"), total())
      counter = make_counter()
      print(counter(), counter(), counter())
      print(factorial(20), [value for _, value in zip(range(12), fibonacci())])
      print(list(map(lambda x: x * 2, [1, 2, 3])), list(filter(None, [0, 1, "", "a"])), greet.__doc__)
      print(greet.__name__, len, type(greet).__name__)
    `),
  },
  {
    name: 'classes with __repr__',
    code: dedent(`
      from dataclasses import dataclass, field

      class Point:
          dimensions = 2

          def __init__(self, x, y):
              self.x = x
              self.y = y

          def __repr__(self):
              return f"Point({self.x!r}, {self.y!r})"

          def __str__(self):
              return f"({self.x}, {self.y})"

          def __eq__(self, other):
              return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)

          def __add__(self, other):
              return Point(self.x + other.x, self.y + other.y)

          @property
          def length(self):
              return (self.x ** 2 + self.y ** 2) ** 0.5

      class Point3D(Point):
          dimensions = 3

          def __init__(self, x, y, z):
              super().__init__(x, y)
              self.z = z

          def __repr__(self):
              return f"Point3D({self.x}, {self.y}, {self.z})"

      @dataclass(order=True)
      class Student:
          grade: float
          name: str = field(compare=False)
          tags: list = field(default_factory=list)

      p = Point(3, 4)
      print(p, repr(p), [p, Point(1.5, "y")], p + Point(1, 1), p == Point(3, 4), p.length)
      q = Point3D(1, 2, 3)
      print(q, str(q), isinstance(q, Point), Point3D.dimensions, Point.dimensions, type(q).__name__)
      students = [Student(3.5, "Ada"), Student(2.0, "Linus", ["new"]), Student(3.9, "Grace")]
      print(sorted(students))
      print(max(students).name, Student(1.0, "a") == Student(1.0, "b"))
    `),
  },
  {
    name: 'handled exceptions',
    code: dedent(`
      class InsufficientFunds(Exception):
          pass

      def withdraw(balance, amount):
          if amount > balance:
              raise InsufficientFunds(f"cannot take {amount} from {balance}")
          return balance - amount

      for text in ["10", "zero", "0"]:
          try:
              print(100 / int(text))
          except ValueError as error:
              print("ValueError:", error)
          except ZeroDivisionError as error:
              print("ZeroDivisionError:", error)
          else:
              print("no error")
          finally:
              print("checked", repr(text))
      try:
          withdraw(5, 10)
      except InsufficientFunds as error:
          print(type(error).__name__, error, error.args)
      try:
          [1, 2, 3][5]
      except IndexError as error:
          print(repr(error))
      try:
          {"a": 1}["b"]
      except KeyError as error:
          print(repr(error), str(error))
    `),
  },
  {
    name: 'uncaught exception traceback',
    code: dedent(`
      def average(values):
          return sum(values) / len(values)

      def report(groups):
          for name, values in groups.items():
              print(name, average(values))

      report({"full": [1, 2, 3], "empty": []})
    `),
  },
  {
    name: 'uncaught exception with a cause',
    code: dedent(`
      def parse_age(text):
          try:
              return int(text)
          except ValueError as error:
              raise RuntimeError(f"bad age {text!r}") from error

      print(parse_age("41"))
      print(parse_age("forty"))
    `),
  },
  {
    name: 'syntax error',
    code: 'print("before")\nif True\n    print("never")\n',
  },
  {
    name: 'sys.exit with a message',
    code: 'import sys\nprint("stopping")\nsys.exit("fatal: no input file")\n',
  },
  {
    name: 'math module',
    code: dedent(`
      import math
      print(math.pi, math.e, math.tau, math.inf, math.sqrt(2), math.isqrt(17))
      print(math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.5), math.gcd(84, 36), math.lcm(4, 6))
      print(math.factorial(25), math.comb(10, 3), math.perm(5, 2), math.prod([1, 2, 3, 4]))
      print(math.log(100, 10), math.log2(1024), math.log10(0.001), math.exp(1), math.log(math.e))
      print(math.sin(math.pi / 2), math.cos(0), math.degrees(math.pi), math.radians(180), math.hypot(3, 4))
      print(math.isclose(0.1 + 0.2, 0.3), math.fsum([0.1] * 10), math.copysign(3, -0.0), math.fabs(-4))
    `),
  },
  {
    name: 'random with a seed',
    code: dedent(`
      import random
      random.seed(42)
      print(random.random(), random.randint(1, 100), random.randrange(0, 50, 5), random.uniform(1, 2))
      deck = list(range(1, 11))
      random.shuffle(deck)
      print(deck, random.choice("abcdef"), random.sample(range(100), 5), random.choices("xyz", k=6))
      random.seed("lesson-7")
      print([random.randint(1, 6) for _ in range(10)], round(random.gauss(0, 1), 12))
    `),
  },
  {
    name: 'json module',
    code: dedent(`
      import json
      record = {"name": "Zoë", "scores": [9.5, 8, None], "active": True, "tags": {"b": 1, "a": 2}}
      text = json.dumps(record)
      print(text)
      print(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False))
      print(json.dumps([1, "two", 3.0], separators=(",", ":")))
      parsed = json.loads('{"x": [1, 2, {"y": null}], "z": 1.5e3, "w": "caf\\\\u00e9"}')
      print(parsed, type(parsed["z"]).__name__, json.loads(text) == record)
    `),
  },
  {
    name: 'collections module',
    code: dedent(`
      from collections import Counter, OrderedDict, defaultdict, deque, namedtuple
      words = "the cat and the hat and the bat".split()
      counts = Counter(words)
      print(counts, counts.most_common(2), counts["the"], counts["dog"])
      groups = defaultdict(list)
      for word in words:
          groups[len(word)].append(word)
      print(groups, dict(groups))
      queue = deque([1, 2, 3, 4, 5], maxlen=5)
      queue.rotate(2)
      queue.append(6)
      queue.appendleft(0)
      print(queue, queue.popleft(), queue.pop())
      Point = namedtuple("Point", ["x", "y"])
      point = Point(2, y=5)
      print(point, point.x + point.y, point._asdict(), point._replace(x=9))
      ordered = OrderedDict(b=2, a=1)
      ordered.move_to_end("b")
      print(ordered, list(ordered))
    `),
  },
  {
    name: 'itertools module',
    code: dedent(`
      import itertools
      print(list(itertools.permutations("abc", 2)))
      print(list(itertools.combinations(range(4), 2)), list(itertools.combinations_with_replacement("xy", 2)))
      print(list(itertools.product([0, 1], repeat=2)), list(itertools.accumulate([1, 2, 3, 4])))
      print(list(itertools.chain("ab", [1, 2])), list(itertools.islice(itertools.count(10, 5), 4)))
      print(list(itertools.islice(itertools.cycle("xyz"), 7)), list(itertools.zip_longest("ab", "wxyz", fillvalue="-")))
      for key, group in itertools.groupby(sorted("mississippi")):
          print(key, len(list(group)), end="; ")
      print()
      print(list(itertools.pairwise([1, 4, 9, 16])), list(itertools.starmap(pow, [(2, 3), (3, 2)])))
    `),
  },
  {
    name: 'datetime with fixed dates',
    code: dedent(`
      from datetime import date, datetime, time, timedelta
      leap_day = date(2024, 2, 29)
      print(leap_day, repr(leap_day), leap_day + timedelta(days=1), leap_day.weekday(), leap_day.isoweekday())
      print(leap_day.strftime("%A %d %B %Y"), leap_day.isoformat(), leap_day.replace(year=2028))
      moment = datetime(2023, 12, 31, 23, 59, 30)
      print(moment + timedelta(seconds=45), moment.strftime("%Y-%m-%d %H:%M:%S"), moment.date(), moment.time())
      parsed = datetime.strptime("2021-07-04 09:15", "%Y-%m-%d %H:%M")
      print(parsed, repr(parsed), (moment - parsed).days, moment - parsed, repr(moment - parsed))
      print(timedelta(hours=36), timedelta(minutes=-5), time(7, 5), date(2000, 1, 1).toordinal())
      print((date(2025, 1, 1) - date(2024, 1, 1)).days, date.fromisoformat("1999-12-31").strftime("%j %U %a"))
    `),
  },
  {
    name: 'Unicode output',
    code: dedent(`
      import unicodedata
      greetings = ["café naïve façade", "你好，世界", "こんにちは", "안녕하세요", "Привет", "🐍 Python 🎉", "e\\u0301 vs é"]
      for text in greetings:
          print(text, len(text), len(text.encode("utf-8")), text[::-1])
      print(unicodedata.name("🐍"), unicodedata.name("é"), unicodedata.normalize("NFC", "e\\u0301") == "é")
      print("ÉCOLE".lower(), "ǆ".title(), "ﬁ".upper(), sorted(["é", "e", "z", "ä"]), ascii("naïve"))
      name = input()
      print(f"Bonjour {name} ✓", name.upper(), len(name))
    `),
    stdin: 'Zoë Ünal 王\n',
  },
  {
    name: 'writing then reading a file',
    code: dedent(`
      import os
      from pathlib import Path
      with open("notes.txt", "w", encoding="utf-8") as handle:
          handle.write("first line\\n")
          handle.writelines(["second line\\n", "third: ünïcode ✓\\n"])
      with open("notes.txt", "a", encoding="utf-8") as handle:
          print("appended", 42, file=handle)
      with open("notes.txt", encoding="utf-8") as handle:
          lines = handle.readlines()
      print(lines, len(lines))
      with open("notes.txt", encoding="utf-8") as handle:
          for number, line in enumerate(handle, 1):
              print(number, line.rstrip())
      print(os.path.getsize("notes.txt"), os.path.exists("notes.txt"), os.path.exists("missing.txt"))
      Path("data.csv").write_text("name,score\\nAda,9\\nGrace,10\\n", encoding="utf-8")
      rows = [line.split(",") for line in Path("data.csv").read_text(encoding="utf-8").splitlines()]
      print(rows, sorted(name for name in os.listdir(".") if name.endswith((".txt", ".csv"))))
      with open("binary.bin", "wb") as handle:
          handle.write(bytes(range(5)))
      print(Path("binary.bin").read_bytes(), Path("notes.txt").stat().st_size)
      os.remove("binary.bin")
      print(os.path.exists("binary.bin"))
    `),
  },
];
