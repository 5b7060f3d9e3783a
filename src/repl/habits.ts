import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourcePiece } from "./compile-session.js";

/**
 * Habits users bring from other tools, answered where the REPL can tell what they meant.
 * Mininet's CLI runs a command on a node as `h1 ping h2`; nsnet's REPL says `h1: ping h2`
 * (or `exec h1 ping h2`). Typed here, the first word is no statement keyword (NS104): when
 * that word names a namespace and more words follow, the diagnostic offers the shorthand.
 * Pure: the diagnostic, the input and the namespaces known in, a better diagnostic out.
 */
export function commandOnNodeHabit(d: Diagnostic, piece: SourcePiece, namespaces: readonly string[]): Diagnostic | undefined {
  if (d.code !== "NS104" || piece.text.includes("\n")) return undefined;
  const at = d.span.start;
  if (d.span.file !== piece.file || at.line !== piece.line || at.column !== piece.column) return undefined;
  const m = /^(\S+)[ \t]+(\S.*)$/.exec(piece.text);
  if (!m || !namespaces.includes(m[1]!)) return undefined;
  const [, ns, cmd] = m as unknown as [string, string, string];
  return {
    ...d,
    suggestions: [`${ns}: ${cmd.trimEnd()}`],
    hint: `\`${ns}\` is a namespace: \`${ns}: CMD…\` (or \`exec ${ns} CMD…\`) runs a command in it`,
  };
}
