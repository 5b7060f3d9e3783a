import { execa } from "execa";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * End-to-end kernel tests go through the product itself: `nsnet sandbox FILE -- node
 * steps.mjs …` (a private mount+net namespace; nothing touches this machine's network).
 * Needs dist/ (./scripts/test builds it first).
 */
export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = join(repo, "dist/cli/main.js");
const STEPS = join(repo, "test/kernel/scenarios/steps.mjs");

export type Step = { run: string[]; env?: Record<string, string>; input?: string } | { dump: string };
export interface Dump {
  namespaces: string[];
  places: Record<string, { links: { name: string; kind: string; up: boolean; master?: string; alias?: string }[]; addrs: string[]; routes: string[]; proxies: string[]; ip_forward: string }>;
}
export interface StepsResult {
  exitCode: number;
  stderr: string;
  runs: { argv: string[]; status: number; stdout: string; stderr: string }[];
  dumps: Record<string, Dump>;
}

/** `nsnet …` inside the sandbox */
export const nsnet = (...args: string[]): Step => ({ run: [process.execPath, CLI, ...args] });

export function scriptFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "nsnet-e2e-"));
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

export async function inSandbox(file: string, steps: Step[], opts: { project?: string; timeoutMs?: number } = {}): Promise<StepsResult> {
  const r = await execa(
    process.execPath,
    [CLI, "sandbox", file, "--quiet", ...(opts.project ? ["--project", opts.project] : []), "--", process.execPath, STEPS, JSON.stringify({ steps })],
    { reject: false, timeout: opts.timeoutMs ?? 120_000 },
  );
  const last = String(r.stdout).trim().split("\n").pop() ?? "";
  let parsed: Omit<StepsResult, "exitCode" | "stderr"> = { runs: [], dumps: {} };
  try {
    parsed = JSON.parse(last);
  } catch {
    /* the sandbox failed before the steps ran; exitCode and stderr say why */
  }
  return { exitCode: r.exitCode ?? 1, stderr: String(r.stderr), ...parsed };
}
