import { execa } from "execa";
import { compileEntries } from "../tsc.js";
import { readlink, rm, symlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Kernel-test harness. vitest runs in the machine's own network namespace, so a test
 * never touches the kernel itself: it runs a scenario script (scenarios/*.mjs) in a fresh
 * `unshare --mount --net --pid --mount-proc` child, which prepares the sandbox (tmpfs on
 * /run, lo up) and prints its findings as one JSON line; the test asserts on that.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
// inside the repo so the build resolves execa from node_modules; one per test process
const buildRoot = join(repo, "node_modules", ".cache", `nsnet-kernel-build-${process.pid}`);
// the modules in lib/ and nsnet's helper beside it, as in the repo and dist/ (src/exec/helper.ts
// finds it two folders above its module)
const buildDir = join(buildRoot, "lib");
let built: Promise<string> | undefined;

/** Compiles src/exec (and what it imports) for the scenarios, once per test process. */
export function buildForKernelTests(): Promise<string> {
  built ??= (async () => {
    const files = ["execute", "live", "recover", "sandbox", "state-store", "runner", "compare", "effects", "fanout"].map((f) =>
      join(repo, "src/exec", `${f}.ts`),
    );
    await compileEntries(files, buildDir);
    await symlink(join(repo, "helper"), join(buildRoot, "helper")).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
    return buildDir;
  })();
  return built;
}

export async function cleanKernelBuild(): Promise<void> {
  await rm(buildRoot, { recursive: true, force: true });
}

export interface ScenarioRun<T> {
  exitCode: number;
  result: T;
  stderr: string;
}

/** Runs scenarios/NAME.mjs in a private mount+net namespace with `args` as JSON on argv,
 *  always inside its own pid namespace with its own /proc: nothing a scenario starts
 *  outlives it, no signal can leave it, and `/proc/1` (and every pid it reads) is the
 *  sandbox's, never the machine's. `dist` gives the scenario the product's build (dist/,
 *  made by ./scripts/test) instead of compiling src/exec for it. */
export async function runScenario<T = unknown>(name: string, args: unknown = {}, timeoutMs = 120_000, opts: { dist?: boolean } = {}): Promise<ScenarioRun<T>> {
  const build = opts.dist ? "" : await buildForKernelTests();
  const outer = await readlink("/proc/self/ns/net");
  const outerPid = await readlink("/proc/self/ns/pid");
  // The first process of the pid namespace, already in the sandbox's network namespace,
  // only runs the scenario (a node as PID 1 would ignore signals it has no handler for);
  // when it exits, all else dies with it. The sandbox guard learns from the environment
  // that PID 1 is the sandbox's own.
  const relay = `const r=require("child_process").spawnSync(process.argv[1],process.argv.slice(2),{stdio:"inherit"});process.exit(r.status??1)`;
  const argv = [
    "--mount",
    "--net",
    "--pid",
    "--fork",
    "--mount-proc",
    "--propagation",
    "private",
    "--",
    process.execPath,
    "-e",
    relay,
    process.execPath,
    join(here, "scenarios", `${name}.mjs`),
    JSON.stringify(args),
  ];
  const r = await execa("unshare", argv, {
    reject: false,
    timeout: timeoutMs,
    env: {
      ...(opts.dist ? { NSNET_DIST: join(repo, "dist") } : { NSNET_BUILD: build }),
      NSNET_SANDBOX_OUTER_NETNS: outer,
      NSNET_SANDBOX_OUTER_PIDNS: outerPid,
    },
  });
  const lines = String(r.stdout).trim().split("\n");
  let result: T;
  try {
    result = JSON.parse(lines[lines.length - 1] ?? "") as T;
  } catch {
    throw new Error(`scenario ${name} printed no JSON (exit ${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  }
  return { exitCode: r.exitCode ?? 1, result, stderr: String(r.stderr) };
}

/** Whether this machine can make private network namespaces at all. */
export async function canSandbox(): Promise<boolean> {
  const r = await execa("unshare", ["--mount", "--net", "--propagation", "private", "true"], { reject: false });
  return r.exitCode === 0;
}
