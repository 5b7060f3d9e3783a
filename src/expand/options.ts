import type * as A from "../ast/nodes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Topology, Value } from "../model/topology.js";

/** A `use`d file, parsed; or why not: `reason` completes "cannot use PATH: …" (default
 *  "file not found"), `error` is the detail shown as the hint. */
export type LoadResult = { script: A.Script; file: string; diagnostics?: Diagnostic[] } | { error: string; reason?: string };

export interface ExpandOptions {
  /** the file the script came from, as the user named it (used for relative `use`) */
  file: string;
  /** resolves and parses a `use`d file; absent → `use` is an error */
  load?: (path: string, fromFile: string) => LoadResult;
  /** variables bound before the script runs (CNI: $ifname, $containerid) */
  vars?: Record<string, Value>;
  limits?: { maxIterations?: number; maxDepth?: number; maxNamespaces?: number; maxStatements?: number; maxBlockNesting?: number };
}

export interface ExpandResult {
  topology: Topology;
  diagnostics: Diagnostic[];
}
