import { parse } from "../syntax/parse.js";
import { expand, type ExpandOptions } from "../expand/expand.js";
import { allocate } from "../ipam/allocate.js";
import { emptySnapshot, type AllocationSnapshot } from "../ipam/snapshot.js";
import { check } from "../check/check.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Value } from "../model/topology.js";
import type { Script } from "../ast/nodes.js";
import type { Compiled } from "./types.js";

export interface CompileOptions {
  /** resolves `use` (the fs loader at the edge; absent: `use` is an error) */
  load?: ExpandOptions["load"];
  /** sticky allocations from the project's store (absent: a fresh, deterministic one) */
  allocations?: AllocationSnapshot;
  vars?: Record<string, Value>;
}

export interface CompiledWithAllocations extends Compiled {
  allocations?: AllocationSnapshot;
}

/**
 * The pure front half of every command: parse → expand → allocate → check. Stops after
 * parsing when the text has syntax errors (a recovered AST would only add noise).
 */
export function compileText(text: string, file: string, opts: CompileOptions = {}): CompiledWithAllocations {
  return compileParsed(parse(text, file), file, new Map([[file, text]]), opts);
}

/**
 * The same from an already parsed script (the REPL parses each piece of its session with
 * the file and line it came from, and compiles their statements together).
 */
export function compileParsed(
  parsed: { script: Script; diagnostics: readonly Diagnostic[] },
  file: string,
  sources: Map<string, string>,
  opts: CompileOptions = {},
): CompiledWithAllocations {
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  if (hasErrors(diagnostics)) return done({ file, sources, script: parsed.script, diagnostics });

  const expanded = expand(parsed.script, {
    file,
    ...(opts.load ? { load: opts.load } : {}),
    ...(opts.vars ? { vars: opts.vars } : {}),
  });
  diagnostics.push(...expanded.diagnostics);
  const allocated = allocate(expanded.topology, opts.allocations ?? emptySnapshot());
  diagnostics.push(...allocated.diagnostics);
  diagnostics.push(...check(allocated.topology));
  return done({
    file,
    sources,
    script: parsed.script,
    topology: expanded.topology,
    addressed: allocated.topology,
    allocations: allocated.allocations,
    diagnostics,
  });
}

function done(c: Omit<CompiledWithAllocations, "ok">): CompiledWithAllocations {
  c.diagnostics = dedupe(sortDiagnostics(c.diagnostics));
  return { ...c, ok: !hasErrors(c.diagnostics) };
}

/** Source order (file, then offset), errors before warnings at the same place. */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return [...diags].sort(
    (a, b) =>
      a.span.file.localeCompare(b.span.file) ||
      a.span.start.offset - b.span.start.offset ||
      rank[a.severity] - rank[b.severity] ||
      a.code.localeCompare(b.code),
  );
}

/**
 * Two phases may notice the same thing at the same token (the checker's NS306 and the
 * allocator's NS408 both say "unknown pool `lna`"); say it once. The same message at the
 * same place is the same fact whatever the code: the first in order stays, and takes what
 * the other adds (a hint, suggestions, related sites) when it has none of its own.
 */
function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const kept = new Map<string, Diagnostic>();
  const out: Diagnostic[] = [];
  for (const d of diags) {
    const k = `${d.span.file}\0${d.span.start.offset}\0${d.span.end.offset}\0${d.message}`;
    const first = kept.get(k);
    if (!first) {
      kept.set(k, d);
      out.push(d);
      continue;
    }
    if (!first.hint && d.hint) first.hint = d.hint;
    if (!first.suggestions?.length && d.suggestions?.length) first.suggestions = d.suggestions;
    if (!first.related?.length && d.related?.length) first.related = d.related;
  }
  return out;
}
