/**
 * Handler patterns (`on add "lxc*_veth0"`) are matched the way udev matches `KERNEL=="…"`,
 * so the rule that wakes the hook and the hook's own choice of handler never disagree:
 * fnmatch(3) without flags — `*` any run of characters, `?` one character, `[abc]`,
 * `[a-z]`, `[!a-z]` (also `[^…]`) one character of a set — and `|` separating
 * alternatives, as udev splits its patterns. A `[` without its `]` is a literal `[`.
 */
export function globMatch(pattern: string, name: string): boolean {
  return pattern.split("|").some((alt) => matchOne(alt, 0, name, 0));
}

/** Whether the pattern has any wildcard at all (a plain name matches only itself). */
export function isGlob(pattern: string): boolean {
  return /[*?[|]/.test(pattern);
}

function matchOne(p: string, pi: number, s: string, si: number): boolean {
  // Iterative with one backtrack point for the last `*`: linear for typical patterns,
  // never exponential (interface names are at most 15 bytes anyway).
  let starP = -1;
  let starS = -1;
  while (si < s.length) {
    const c = p[pi];
    if (c === "*") {
      starP = ++pi;
      starS = si;
      continue;
    }
    if (c === "?") {
      pi++;
      si++;
      continue;
    }
    if (c === "[") {
      const set = parseSet(p, pi);
      if (set) {
        if (set.matches(s[si]!)) {
          pi = set.end;
          si++;
          continue;
        }
      } else if (s[si] === "[") {
        pi++;
        si++;
        continue;
      }
    } else if (c !== undefined && c === s[si]) {
      pi++;
      si++;
      continue;
    }
    if (starP < 0) return false;
    pi = starP;
    si = ++starS;
  }
  while (p[pi] === "*") pi++;
  return pi === p.length;
}

/** `[…]` starting at `at`: its members and the index after `]`, or null if unclosed. */
function parseSet(p: string, at: number): { matches: (ch: string) => boolean; end: number } | null {
  let i = at + 1;
  const negate = p[i] === "!" || p[i] === "^";
  if (negate) i++;
  const ranges: [string, string][] = [];
  // a `]` right after `[` or `[!` is a member, as in fnmatch
  let first = true;
  while (i < p.length && (p[i] !== "]" || first)) {
    first = false;
    const lo = p[i]!;
    if (p[i + 1] === "-" && p[i + 2] !== undefined && p[i + 2] !== "]") {
      ranges.push([lo, p[i + 2]!]);
      i += 3;
    } else {
      ranges.push([lo, lo]);
      i++;
    }
  }
  if (i >= p.length) return null;
  return { matches: (ch) => ranges.some(([lo, hi]) => ch >= lo && ch <= hi) !== negate, end: i + 1 };
}
