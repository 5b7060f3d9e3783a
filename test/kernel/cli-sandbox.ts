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
// the installed nsnet: the bundle package.json `bin` names (what users and udev run)
export const CLI = join(repo, "dist/cli/nsnet.cjs");
const STEPS = join(repo, "test/kernel/scenarios/steps.mjs");

/** A command, run as is or (udev) as udev's RUN+= runs it: the event's properties in its environment. */
export interface RunStep {
  run: string[];
  env?: Record<string, string>;
  input?: string;
  udev?: { action: "add" | "remove"; iface: string };
}

/**
 * One step of steps.mjs. In `run` argv and `patch` values, `{pid:NAME}` (text) or
 * `{ "$pid": NAME, sign? }` (JSON) stand for the pid of a process started by a `spawn` step.
 */
export type Step =
  | RunStep
  /** commands started together, awaited together */
  | { parallel: RunStep[] }
  | { dump: string }
  /** start a background process, remembered as NAME; detached (its own session) unless told */
  | { spawn: string[]; name: string; env?: Record<string, string>; detached?: boolean }
  /** remember as NAME the pid found in a JSON file (path of keys and indexes) */
  | { pidFrom: string; at: (string | number)[]; name: string }
  /** whether NAME is still running (not a zombie) → `alive[AS ?? NAME]` */
  | { alive: string; as?: string }
  /** set a value inside a JSON file (path of keys and indexes) */
  | { patch: string; at: (string | number)[]; value: unknown }
  /** write a file (text, `{pid:NAME}` substituted), or make a symlink to `target` */
  | { write: string; text?: string; symlink?: string; mode?: number }
  /** read a file → `files[AS]` (null when absent) */
  | { read: string; as: string };
export interface Dump {
  namespaces: string[];
  places: Record<
    string,
    {
      links: { name: string; kind: string; up: boolean; master?: string; alias?: string }[];
      addrs: string[];
      routes: string[];
      proxies: string[];
      ip_forward: string;
    }
  >;
}
export interface StepsResult {
  exitCode: number;
  stderr: string;
  runs: { argv: string[]; status: number; stdout: string; stderr: string }[];
  dumps: Record<string, Dump>;
  pids: Record<string, number>;
  alive: Record<string, boolean>;
  files: Record<string, string | null>;
}

/** `nsnet …` inside the sandbox */
export const nsnet = (...args: string[]): Step => ({ run: [process.execPath, CLI, ...args] });

export function scriptFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "nsnet-e2e-"));
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

/**
 * Runs `nsnet sandbox FILE -- node steps.mjs` in its own session and its own pid namespace
 * as well: a signal sent by mistake (a bad pid, a process group, -1) can reach nothing
 * outside the sandbox, and every process left in it dies with it.
 */
export async function inSandbox(file: string, steps: Step[], opts: { project?: string; timeoutMs?: number } = {}): Promise<StepsResult> {
  const r = await execa(
    "unshare",
    [
      "--pid",
      "--fork",
      "--mount-proc",
      "--",
      process.execPath,
      CLI,
      "sandbox",
      file,
      "--quiet",
      ...(opts.project ? ["--project", opts.project] : []),
      "--",
      process.execPath,
      STEPS,
      JSON.stringify({ steps }),
    ],
    { reject: false, timeout: opts.timeoutMs ?? 120_000, detached: true },
  );
  const last = String(r.stdout).trim().split("\n").pop() ?? "";
  let parsed: Omit<StepsResult, "exitCode" | "stderr"> = { runs: [], dumps: {}, pids: {}, alive: {}, files: {} };
  try {
    parsed = JSON.parse(last);
  } catch {
    /* the sandbox failed before the steps ran; exitCode and stderr say why */
  }
  return { exitCode: r.exitCode ?? 1, stderr: String(r.stderr), ...parsed };
}
