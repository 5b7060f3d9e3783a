/**
 * Building nsnet source as a tree, for the importers (DESIGN §1.5: generated source is printed
 * from an AST by the formatter's printer, never pasted together as text). A value from a
 * config file only ever becomes the text of one word (a Template part); how that word is
 * written — bare, or quoted with its escapes — is the printer's business, so nothing in a
 * value can end a statement, open a block or start a comment.
 *
 * The formatter lays statements out by their spans (blank lines between, comments above or
 * after): the writer gives every statement and comment a line of its own, in the order they
 * are written, and every block the lines of what it holds.
 */
import type * as A from "../ast/nodes.js";
import type { Span } from "../model/span.js";
import { escapeText } from "../model/names.js";
import { format, type SourceComment } from "../fmt/format.js";

/** A statement as the builders make it: everything but the span the writer gives it. */
export type Unplaced<S extends A.Statement = A.Statement> = S extends A.Statement ? Omit<S, "span" | "body"> : never;

const at = (file: string, line: number, column = 1): Span => {
  const offset = line * 4096 + column;
  return { file, start: { offset, line, column }, end: { offset: offset + 1, line, column: column + 1 } };
};

export class SourceWriter {
  private line = 1;
  private readonly comments: SourceComment[] = [];
  private readonly top: A.Statement[] = [];
  private body: A.Statement[] = this.top;

  constructor(private readonly file = "<import>") {}

  /** A comment line: the text is escaped (one line, no control characters), never raw. */
  comment(text: string): void {
    this.comments.push({ text: `# ${escapeText(text)}`, span: at(this.file, this.line++, 1) });
  }

  /** A blank line before what comes next. */
  gap(): void {
    this.line++;
  }

  /** A statement on a line of its own. */
  add(s: Unplaced): void {
    this.body.push({ ...s, span: at(this.file, this.line++, 1) } as A.Statement);
  }

  /** A statement with a block (`ns`, `bridge`, `def`): what `fill` writes goes inside. */
  block(s: Unplaced<A.NsStmt | A.BridgeStmt | A.DefStmt | A.HostStmt>, fill: () => void): void {
    const start = at(this.file, this.line++, 1);
    const outer = this.body;
    const inner: A.Statement[] = [];
    this.body = inner;
    try {
      fill();
    } finally {
      this.body = outer;
    }
    const end = at(this.file, this.line++, 1);
    outer.push({ ...s, body: inner, span: { file: this.file, start: start.start, end: end.end } } as A.Statement);
  }

  /** Statements parsed from nsnet source (CNI's own form), placed again line by line: their
   *  old spans belong to another text. */
  adopt(statements: readonly A.Statement[]): void {
    for (const s of statements) {
      const inner = "body" in s ? s.body : undefined;
      const { span: _span, ...rest } = s;
      if (inner === undefined) this.add(rest as Unplaced);
      else this.block(rest as Unplaced<A.NsStmt>, () => this.adopt(inner));
    }
  }

  script(): A.Script {
    return { type: "Script", body: this.top, span: at(this.file, 1) };
  }

  /** The canonical text (`nsnet fmt` form). */
  print(): string {
    return format(this.script(), this.comments);
  }
}

// ─────────── words ───────────

const nowhere: Span = at("<import>", 1);

/** One word holding exactly this text (the printer quotes and escapes it if it must). */
export function word(text: string): A.Template {
  return { type: "Template", parts: [{ kind: "text", text, span: nowhere }], quoted: false, span: nowhere };
}

/** `$name` */
export function variable(name: string): A.Template {
  return { type: "Template", parts: [{ kind: "expr", expr: { type: "Var", name, span: nowhere }, span: nowhere }], quoted: false, span: nowhere };
}

export function ident(name: string): A.Ident {
  return { type: "Ident", name, span: nowhere };
}

export function num(value: number): A.NumberLit {
  return { type: "Number", value, span: nowhere };
}

export function ifRef(name: string | A.Template): A.IfRef {
  return { type: "IfRef", name: typeof name === "string" ? word(name) : name, span: nowhere };
}

export const kw = nowhere;

// ─────────── statements ───────────

export const stmt = {
  bridge: (name: string, existing: boolean): Unplaced<A.BridgeStmt> => ({
    type: "Bridge",
    keyword: kw,
    name: word(name),
    ...(existing ? { existing: kw } : {}),
  }),
  uplink: (name: string): Unplaced<A.UplinkStmt> => ({ type: "Uplink", keyword: kw, name: word(name) }),
  ns: (name: string | A.Template): Unplaced<A.NsStmt> => ({ type: "Ns", keyword: kw, name: typeof name === "string" ? word(name) : name }),
  def: (name: string, params: string[]): Unplaced<A.DefStmt> => ({ type: "Def", keyword: kw, name: ident(name), params: params.map(ident) }),
  pool: (name: string, cidr: string, reserve: string[]): Unplaced<A.PoolStmt> => ({
    type: "Pool",
    keyword: kw,
    name: ident(name),
    cidr: word(cidr),
    reserve: reserve.map(word),
  }),
  nat: (from: string, to: string): Unplaced<A.NatStmt> => ({ type: "Nat", keyword: kw, from: ifRef(from), to: ifRef(to) }),
  addr: (cidr: string, on?: string): Unplaced<A.AddrStmt> => ({
    type: "Addr",
    keyword: kw,
    value: { kind: "static", cidr: word(cidr) },
    ...(on ? { on: ifRef(on) } : {}),
  }),
  addrAuto: (pool: string): Unplaced<A.AddrStmt> => ({ type: "Addr", keyword: kw, value: { kind: "auto", pool: ident(pool), span: kw } }),
  route: (dst: string, o: { via?: string; dev?: string }): Unplaced<A.RouteStmt> => ({
    type: "Route",
    keyword: kw,
    dst: dst === "default" ? { kind: "default", span: kw } : { kind: "cidr", cidr: word(dst) },
    ...(o.via !== undefined ? { via: word(o.via) } : {}),
    ...(o.dev !== undefined ? { dev: ifRef(o.dev) } : {}),
    onlink: false,
  }),
  down: (dev: string): Unplaced<A.LinkStateStmt> => ({ type: "LinkState", keyword: kw, state: "down", dev: ifRef(dev) }),
};

/** `mtu N`, `hwaddr MAC`, `hairpin` of a device statement. */
export function linkAttrs(o: { mtu?: number; hwaddr?: string; hairpin?: boolean }): A.LinkAttrs {
  return {
    ...(o.mtu !== undefined ? { mtu: num(o.mtu) } : {}),
    ...(o.hwaddr !== undefined ? { hwaddr: word(o.hwaddr) } : {}),
    ...(o.hairpin ? { hairpin: kw } : {}),
  };
}
