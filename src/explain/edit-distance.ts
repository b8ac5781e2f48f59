/**
 * Counts the single-character edits (insert, delete, replace, or swap of two
 * neighbours) that turn one word into another: the optimal string alignment distance.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i += 1) {
    rows.push([i, ...new Array<number>(b.length).fill(0)]);
  }
  for (let j = 0; j <= b.length; j += 1) {
    rows[0]![j] = j;
  }

  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      rows[i]![j] = cheapestStep(rows, a, b, i, j);
    }
  }
  return rows[a.length]![b.length]!;
}

function cheapestStep(rows: number[][], a: string, b: string, i: number, j: number): number {
  const replaceCost = a[i - 1] === b[j - 1] ? 0 : 1;
  let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + replaceCost);

  const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
  if (swapped) {
    best = Math.min(best, rows[i - 2]![j - 2]! + 1);
  }
  return best;
}

/** Returns how far a misspelling of a word of this length may be from the intended word. */
export function typoLimit(word: string): number {
  if (word.length <= 4) {
    return 1;
  }
  return word.length <= 8 ? 2 : 3;
}

/**
 * Finds the candidate nearest to a word, ignoring case, within `maxDistance` edits.
 * Returns null when none is near enough or when the word itself is a candidate.
 */
export function closestMatch(word: string, candidates: Iterable<string>, maxDistance: number = typoLimit(word)): string | null {
  const lowerWord = word.toLowerCase();
  let best: string | null = null;
  let bestScore = Number.POSITIVE_INFINITY;

  for (const candidate of candidates) {
    if (candidate === word) {
      return null;
    }
    // Case-only differences rank first, then fewer edits, then exact-case edits as the tie-break.
    const distance = editDistance(lowerWord, candidate.toLowerCase());
    const score = distance * 100 + editDistance(word, candidate);
    if (distance <= maxDistance && score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
