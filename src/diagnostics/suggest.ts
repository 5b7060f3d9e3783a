/**
 * "Did you mean": Elm's rule (compiler/src/Reporting/Suggest.hs and its nearbyNames):
 * the restricted Damerau–Levenshtein distance, case-insensitive, so a swap of two
 * neighbouring letters is one edit (`alpah` → `alpha`); candidates within 1 edit of a word
 * shorter than 3 characters, within 2 of a longer one; closest first.
 */

/** Optimal string alignment: insertions, deletions, substitutions, adjacent swaps (each substring edited once). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  // three rows: i-2, i-1, i
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}

/** Elm's nearbyNames threshold. */
export function maxEdits(word: string): number {
  return word.length < 3 ? 1 : 2;
}

function commonPrefix(a: string, b: string): number {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  return k;
}

/**
 * The candidates near `word`, best first, at most `max`. Among equally near ones the one
 * sharing the longer beginning with the word comes first (`vet` → `veth` before `let`),
 * then alphabetical order, so the list is stable. Farther candidates are dropped when a
 * nearer one exists.
 */
export function didYouMean(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase();
  const limit = maxEdits(word);
  const scored: { c: string; d: number; p: number }[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c) || c === word) continue;
    seen.add(c);
    const lc = c.toLowerCase();
    if (Math.abs(lc.length - w.length) > limit) continue;
    const d = editDistance(w, lc);
    if (d <= limit) scored.push({ c, d, p: commonPrefix(w, lc) });
  }
  scored.sort((x, y) => x.d - y.d || y.p - x.p || x.c.localeCompare(y.c));
  // only the nearest: `nss` suggests `ns` (1 edit), not also `nat` and `use` (2 edits)
  const best = scored[0]?.d;
  return scored
    .filter((s) => s.d === best)
    .slice(0, max)
    .map((s) => s.c);
}
