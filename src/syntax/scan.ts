/**
 * Hand-written scanners for the tokens whose extent a regular expression cannot find:
 * words and strings may carry `${expr}` interpolations with nested braces and strings.
 * They return the end offset (exclusive), or -1 when the construct is not closed.
 */

/** Characters that end a word. Everything else (the kernel's odd ifname characters included) may be in one. */
const STOP = new Set([" ", "\t", "\r", "\n", "#", ";", "<", ">", "|", '"', "(", ")", "[", "]", ",", "=", "\\"]);

export function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
}
export function isIdentPart(c: string | undefined): boolean {
  return c !== undefined && (isIdentStart(c) || (c >= "0" && c <= "9"));
}

/** `${…}` starting at `i` (text[i] === "$", text[i+1] === "{"): end after the matching `}`; never crosses a line. */
export function scanInterpolation(text: string, i: number): number {
  let depth = 0;
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "\n" || c === "\r") return -1;
    if (c === '"') {
      const k = scanString(text, j, false);
      if (k < 0) return -1;
      j = k;
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return -1;
}

/** A `"…"` string at `i`. Strings may span lines unless `singleLine`. */
export function scanString(text: string, i: number, multiLine = true): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "\\") {
      j += 2;
      continue;
    }
    if (c === '"') return j + 1;
    if (!multiLine && (c === "\n" || c === "\r")) return -1;
    if (c === "$" && text[j + 1] === "{") {
      const k = scanInterpolation(text, j);
      j = k < 0 ? j + 2 : k;
      continue;
    }
    j++;
  }
  return -1;
}

/** `$name` at `i`: end of the name, or -1 if `$` is not followed by an identifier. */
export function scanDollarName(text: string, i: number): number {
  if (!isIdentStart(text[i + 1])) return -1;
  let j = i + 2;
  while (isIdentPart(text[j])) j++;
  return j;
}

/**
 * A word at `i`: a run of non-stop characters with `$name` / `${…}` pieces. `..` ends
 * a word (so `1..10` is a range); an unclosed `${` swallows the rest of the line so
 * the template builder can report it once.
 */
export function scanWord(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "$") {
      if (text[j + 1] === "{") {
        const k = scanInterpolation(text, j);
        if (k < 0) {
          while (j < text.length && text[j] !== "\n" && text[j] !== "\r") j++;
          return j;
        }
        j = k;
        continue;
      }
      const k = scanDollarName(text, j);
      j = k < 0 ? j + 1 : k;
      continue;
    }
    if (c === "." && text[j + 1] === ".") {
      break;
    }
    if (STOP.has(c)) break;
    j++;
  }
  return j;
}

/** `scheme://…`: a URL runs to whitespace or a statement/block delimiter. */
export function scanUrl(text: string, i: number): number {
  let j = i;
  while (j < text.length && (isIdentPart(text[j]) || text[j] === "+" || text[j] === "." || text[j] === "-")) j++;
  if (j === i || !isIdentStart(text[i]) || text.slice(j, j + 3) !== "://") return -1;
  j += 3;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "$" && text[j + 1] === "{") {
      const k = scanInterpolation(text, j);
      if (k < 0) return j;
      j = k;
      continue;
    }
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === ";" || c === "<" || c === ">" || c === '"' || c === "#" || c === "|") break;
    j++;
  }
  return j;
}

/**
 * A `/…/flags` pattern at `i`, only right after the word `matches` (`expect h1: CMD matches
 * /1 received/`): `/` is a path or a prefix everywhere else (`/srv/files`, `/24`). Ends at
 * the first unescaped `/` on the line, then flags (i, m, s), then a character that ends a
 * word; -1 otherwise (the text is then words, as it always was).
 */
export function scanRegex(text: string, i: number): number {
  if (text[i] !== "/") return -1;
  let k = i - 1;
  while (k >= 0 && (text[k] === " " || text[k] === "\t")) k--;
  const before = text.slice(Math.max(0, k - 6), k + 1);
  if (before !== "matches" || (k >= 7 && !STOP.has(text[k - 7]!))) return -1;
  if (k === i - 1) return -1;
  let j = i + 1;
  while (j < text.length && text[j] !== "/") {
    const c = text[j]!;
    if (c === "\n" || c === "\r") return -1;
    j += c === "\\" && text[j + 1] !== "\n" && text[j + 1] !== "\r" && j + 1 < text.length ? 2 : 1;
  }
  if (j >= text.length || j === i + 1) return -1;
  j++;
  // flags: the three a pattern over one output may use (/etc/hosts after `matches` stays a word)
  while (j < text.length && /[ims]/.test(text[j]!)) j++;
  return j === text.length || STOP.has(text[j]!) ? j : -1;
}
