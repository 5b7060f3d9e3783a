import type { Statement } from "../ast/nodes.js";
import type { Span } from "../model/span.js";

/** A `#` comment as the lexer saw it (text with or without the leading `#`). */
export interface SourceComment {
  text: string;
  span: Span;
}

/**
 * Where each comment goes when the tree is printed again:
 * - `leading`: own-line comments printed just above a statement;
 * - `trailing`: the comment that ends the statement's last line;
 * - `header`: the comment after a block's opening `<` on the statement's first line;
 * - `dangling`: own-line comments after the last statement of a body (or of the file).
 */
export interface Attachment {
  leading: Map<Statement, SourceComment[]>;
  trailing: Map<Statement, SourceComment>;
  header: Map<Statement, SourceComment>;
  dangling: Map<Statement[], SourceComment[]>;
}

export function bodyOf(s: Statement): Statement[] | undefined {
  switch (s.type) {
    case "Ns":
    case "Host":
    case "Bridge":
    case "Def":
    case "For":
    case "On":
      return s.body;
    default:
      return undefined;
  }
}

export function attachComments(top: Statement[], comments: readonly SourceComment[]): Attachment {
  const a: Attachment = { leading: new Map(), trailing: new Map(), header: new Map(), dangling: new Map() };
  const sorted = [...comments].sort((x, y) => x.span.start.offset - y.span.start.offset);
  for (const c of sorted) place(a, top, c, undefined);
  return a;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function place(a: Attachment, body: Statement[], c: SourceComment, owner: Statement | undefined): void {
  const at = c.span.start.offset;
  const line = c.span.start.line;

  const inside = body.find((s) => s.span.start.offset < at && at < s.span.end.offset);
  if (inside) {
    const inner = bodyOf(inside);
    if (inner) place(a, inner, c, inside);
    else push(a.leading, inside, c); // e.g. inside a `\`-continued line: keep it, just above
    return;
  }

  // Trailing: the statement that ends last on this line, before the comment.
  let trailingOf: Statement | undefined;
  for (const s of body) {
    if (s.span.end.offset <= at && s.span.end.line === line) {
      if (!trailingOf || s.span.end.offset >= trailingOf.span.end.offset) trailingOf = s;
    }
  }
  if (trailingOf && !a.trailing.has(trailingOf)) {
    a.trailing.set(trailingOf, c);
    return;
  }

  if (owner && line === owner.span.start.line && !a.header.has(owner)) {
    a.header.set(owner, c);
    return;
  }

  const next = body.find((s) => s.span.start.offset >= c.span.end.offset);
  if (next) push(a.leading, next, c);
  else push(a.dangling, body, c);
}

/** Does this body (or anything nested in it) carry a comment? Forces a multi-line block. */
export function hasComments(a: Attachment, owner: Statement, body: Statement[]): boolean {
  if (a.header.has(owner) || a.dangling.has(body)) return true;
  for (const s of body) {
    if (a.leading.has(s) || a.trailing.has(s)) return true;
    const inner = bodyOf(s);
    if (inner && hasComments(a, s, inner)) return true;
  }
  return false;
}

/** The comment's text, normalised to start with `#` and carry no trailing blanks. */
export function commentText(c: SourceComment): string {
  const t = c.text.replace(/\s+$/, "");
  return t.startsWith("#") ? t : `#${t}`;
}
