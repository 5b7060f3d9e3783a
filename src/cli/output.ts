import { renderDiagnostics, diagnosticsToJson } from "../diagnostics/render.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** Colour only on a TTY and only when NO_COLOR is unset (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  stateDir?: string;
  project?: string;
  /** `--pool-file FILE`: allocations kept in FILE, shared with other projects */
  poolFile?: string;
}

export function printDiagnostics(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>, g: GlobalOptions): void {
  if (g.json) {
    process.stdout.write(diagnosticsToJson(diags));
    return;
  }
  const shown = g.quiet ? diags.filter((d) => d.severity === "error") : diags;
  if (shown.length) process.stderr.write(renderDiagnostics(shown, { sources, color: useColor(process.stderr) }));
}

export function say(g: GlobalOptions, line: string): void {
  if (!g.quiet) process.stderr.write(line + "\n");
}
