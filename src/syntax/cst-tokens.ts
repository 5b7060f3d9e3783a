import type { CstNode, IToken } from "chevrotain";

/**
 * Reading tokens out of a CST that error recovery may have left partial: recovery inserts
 * virtual tokens (no offset in the source), so every read goes through `isReal` and a
 * missing label reads as undefined, never as a throw.
 */

type Children = Record<string, (CstNode | IToken)[] | undefined>;

export function isToken(x: CstNode | IToken): x is IToken {
  return (x as IToken).image !== undefined;
}
/** A token the source really holds (recovery inserts virtual ones). */
export function isReal(t: IToken): boolean {
  return !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}
/** The first real token of a label. */
export function first(ts: readonly IToken[] | undefined): IToken | undefined {
  return ts?.find(isReal);
}
/** The real tokens of a label. */
export function reals(ts: readonly IToken[] | undefined): IToken[] {
  return (ts ?? []).filter(isReal);
}
export function endOf(t: IToken): number {
  return t.startOffset + t.image.length;
}
/** All real tokens under a node, in tree order (labels first, then position). */
export function allTokens(n: CstNode, out: IToken[] = []): IToken[] {
  for (const list of Object.values(n.children as Children)) {
    for (const x of list ?? []) {
      if (isToken(x)) {
        if (isReal(x)) out.push(x);
      } else allTokens(x, out);
    }
  }
  return out;
}
/** Where a node or token starts; NaN for a node recovery left without a real token. */
export function firstOffset(x: CstNode | IToken): number {
  if (isToken(x)) return x.startOffset;
  const o = x.location?.startOffset;
  if (o !== undefined && Number.isFinite(o)) return o;
  const ts = allTokens(x);
  return ts.length ? Math.min(...ts.map((t) => t.startOffset)) : NaN;
}
/** The earliest real token among a node's own children: a statement's keyword. */
export function leadingToken(n: CstNode): IToken | undefined {
  let lead: IToken | undefined;
  for (const list of Object.values(n.children as Children))
    for (const x of list ?? []) if (isToken(x) && isReal(x) && (!lead || x.startOffset < lead.startOffset)) lead = x;
  return lead;
}
