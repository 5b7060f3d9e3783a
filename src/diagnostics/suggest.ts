/** Damerau-free Levenshtein distance; small inputs only (names, keywords). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * "Did you mean": candidates within a distance that grows with the word's length
 * (1 for short words, up to a third of the length), closest first, at most `max`.
 */
export function didYouMean(word: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const scored: [string, number][] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c) || c === word) continue;
    seen.add(c);
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d <= limit) scored.push([c, d]);
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
  return scored.slice(0, max).map(([c]) => c);
}
