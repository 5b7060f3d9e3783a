import { execa } from "execa";
import { compileEntries, tsc } from "../tsc.js";
import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Runs test/repl/pty-driver.py: a program driven through a real pseudo-terminal (or a
 * pipe), optionally inside a fresh `unshare --mount --net --pid` sandbox. Builds happen into
 * node_modules/.cache (inside the repo, so imports resolve) and never touch dist/.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "../..");
const cache = join(repo, "node_modules", ".cache");

export type Step = { expect: string; timeout?: number } | { send: string; pause?: number } | { wait_exit: number };

export interface DriverSpec {
  sandbox?: boolean;
  pre?: string[][];
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
  steps?: Step[];
  post?: string[][];
  pipe?: string;
  timeout?: number;
}

export interface Captured {
  argv: string[];
  code: number;
  stdout: string;
  stderr: string;
}

export interface DriverResult {
  ok: boolean;
  failed: number | null;
  reason: string | null;
  exit: number | null;
  transcript?: string;
  stdout?: string;
  stderr?: string;
  pre: Captured[];
  post: Captured[];
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "nsnet-repl-"));
}

export async function drive(spec: DriverSpec, timeoutMs = 120_000): Promise<DriverResult> {
  const dir = tempDir();
  const file = join(dir, "spec.json");
  writeFileSync(file, JSON.stringify(spec));
  const driver = join(here, "pty-driver.py");
  // a sandbox has its own pid namespace and /proc: nothing started in it outlives it, and
  // /proc/1 inside is the driver, never the machine's init
  const unshare = ["--mount", "--net", "--pid", "--fork", "--mount-proc", "--propagation", "private", "--", "python3", driver, file];
  const argv = spec.sandbox ? ["unshare", unshare] : ["python3", [driver, file]];
  const r = await execa(argv[0] as string, argv[1] as string[], {
    reject: false,
    timeout: timeoutMs,
    env: { NSNET_OUTER_NETNS: readlinkSync("/proc/self/ns/net") },
  });
  const last = String(r.stdout).trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as DriverResult;
  } catch {
    throw new Error(`pty driver printed no JSON (exit ${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** Removes this test process's builds. */
export function cleanBuilds(): void {
  for (const name of [`nsnet-repl-fake-${process.pid}`, `nsnet-repl-cli-${process.pid}`]) rmSync(join(cache, name), { recursive: true, force: true });
}

let fakeBuild: Promise<string> | undefined;
/** The REPL's fronts over the fake engine, compiled once per test process. */
export function buildFakeRepl(): Promise<string> {
  fakeBuild ??= (async () => {
    const out = join(cache, `nsnet-repl-fake-${process.pid}`);
    await compileEntries([join(here, "fake-repl-main.ts")], out, { rootDir: repo });
    return join(out, "test/repl/fake-repl-main.js");
  })();
  return fakeBuild;
}

let cliBuild: Promise<string> | undefined;
/** The whole CLI (what `npm run build` makes), into a private directory. */
export function buildCli(): Promise<string> {
  cliBuild ??= (async () => {
    const out = join(cache, `nsnet-repl-cli-${process.pid}`);
    // Emits even when another folder has type errors in progress; the REPL's own are
    // caught by the type-check, and a missing module fails the run below loudly.
    await tsc(["-p", join(repo, "tsconfig.build.json"), "--outDir", out], true);
    const main = join(out, "cli/main.js");
    if (!existsSync(main)) throw new Error("CLI build produced no cli/main.js");
    return main;
  })();
  return cliBuild;
}

export function engineLanded(): boolean {
  return ["src/engine/compile.ts", "src/engine/up.ts", "src/engine/down.ts", "src/syntax/parse.ts"].every((f) => existsSync(join(repo, f)));
}

export async function canSandbox(): Promise<boolean> {
  const r = await execa("unshare", ["--mount", "--net", "--propagation", "private", "true"], { reject: false });
  return r.exitCode === 0;
}
