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
  c.diagnostics = sortDiagnostics(dedupe(c.diagnostics));
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

/** Two phases may notice the same thing at the same token; say it once. */
function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const k = `${d.code}\0${d.span.file}\0${d.span.start.offset}\0${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
