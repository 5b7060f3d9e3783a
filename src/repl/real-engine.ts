import { readFileSync } from "node:fs";
import type { EngineOptions } from "../engine/types.js";
import type { CompiledWithAllocations } from "../engine/compile.js";
import { up, planUp, loadAllocations, unlessStoreChanged } from "../engine/up.js";
import { emptySnapshot, type AllocationSnapshot } from "../ipam/snapshot.js";
import { down } from "../engine/down.js";
import { readLive } from "../exec/live.js";
import { readFirewall } from "../exec/firewall-read.js";
import { showLive } from "../engine/show.js";
import { isIncomplete } from "../syntax/parse.js";
import { runExpectations } from "../engine/expect.js";
import type { ReplEngine, PingResult } from "./engine-port.js";
import { parsePing } from "./ping-output.js";
import { compileSession, formatScript } from "./compile-session.js";
import { liveForWhy } from "../engine/why.js";
import { netFromTopology, why } from "../why/index.js";
import { captureArgv } from "./capture.js";
import { missingToolMessage } from "./tools.js";

export interface RealEngineOptions {
  /** commands run with the terminal attached (a TTY session); else their output is
   *  captured and printed, and they read nothing (piped input stays the REPL's) */
  interactiveExec: boolean;
  /** inside `nsnet sandbox`: `host: CMD` runs in the sandbox's own namespaces */
  hostCommands?: boolean;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

const PING_TIMEOUT_MS = 5_000;

/**
 * The REPL's port wired to the engine, the formatter and the one runner. The project's
 * sticky allocations are read once here and followed as statements are applied, so a
 * statement compiles (synchronously) against the addresses the kernel already has.
 */
export async function realEngine(opts: EngineOptions, r: RealEngineOptions): Promise<ReplEngine> {
  let allocations: AllocationSnapshot | undefined = await loadAllocations(opts).catch(() => undefined);
  const out = r.out ?? ((t: string) => void process.stdout.write(t));
  const err = r.err ?? ((t: string) => void process.stderr.write(t));
  return {
    compile: (pieces, at = allocations) => compileSession(pieces, at ? { allocations: at } : {}),
    currentAllocations: () => allocations,
    isIncomplete,
    format: formatScript,
    async up(compiled, pieces) {
      // the REPL runs expectations itself, when asked (ReplEngine.expect)
      const applyOnly = (c: CompiledWithAllocations) => (c.addressed ? { ...c, addressed: { ...c.addressed, expects: [] } } : c);
      // under the project lock: the session as compiled, unless another run of this project
      // changed the allocations since — then compiled again against the store
      const compileNow = unlessStoreChanged(compiled as CompiledWithAllocations, allocations ?? emptySnapshot(), (onDisk) =>
        compileSession(pieces, { allocations: onDisk }),
      );
      const result = await up((onDisk) => applyOnly(compileNow(onDisk)), opts);
      const used = (result.compiled ?? compiled) as CompiledWithAllocations;
      if (used.allocations && (result.status === "ok" || result.status === "expect-failed")) allocations = used.allocations;
      return result;
    },
    expect: (compiled, which) => (compiled.addressed ? runExpectations({ ...compiled.addressed, expects: [...which] }, opts.runner) : Promise.resolve([])),
    plan: (compiled) => planUp(compiled, opts),
    down: (session) => down(opts, session ? { compiled: () => session } : {}),
    live: () => readLive(opts.runner),
    show: (namespaces) => showLive(opts.runner, { namespaces: [...namespaces] }),
    hostCommands: r.hostCommands === true,
    firewall: async () => readFirewall(opts.runner, (await readLive(opts.runner)).namespaces),
    capture(req, onLine) {
      const missing = missingToolMessage("tcpdump");
      if (missing) return missing;
      if (!opts.runner.stream) return "this runner cannot stream a command's output";
      if (inUserNamespace()) {
        return "capture needs a sandbox started as root: tcpdump switches to its own user, which a rootless sandbox's user namespace cannot map (run `sudo nsnet sandbox FILE`)";
      }
      return opts.runner.stream(captureArgv(req, req.ns === "host"), onLine);
    },
    async exec(ns, argv) {
      const missing = missingToolMessage(argv[0] ?? "");
      if (missing) {
        err(`${missing}\n`);
        return 127;
      }
      // `host: CMD` (only when hostCommands: the sandbox's host) is the user's own command
      const host = ns === "host";
      const full = host ? [...argv] : ["ip", "netns", "exec", ns, ...argv];
      if (r.interactiveExec) return (await opts.runner.run(full, { interactive: true, userCommand: host })).exitCode;
      const res = await opts.runner.run(full, { userCommand: host });
      if (res.stdout) out(res.stdout);
      if (res.stderr) err(res.stderr);
      return res.exitCode;
    },
    async why(compiled, pairs) {
      const t = compiled.addressed;
      if (!t) return pairs.map(() => "nothing applied in this session yet");
      const net = netFromTopology(t);
      const live = await liveForWhy(net, opts.runner);
      return pairs.map(([a, b]) => why(t, a, b, live ? { live, net } : { net }));
    },
    async ping(fromNs, toAddr): Promise<PingResult> {
      const probe = ["ping", "-n", "-c1", "-W1", toAddr];
      const argv = fromNs === "host" ? probe : ["ip", "netns", "exec", fromNs, ...probe];
      const res = await opts.runner.run(argv, { timeoutMs: PING_TIMEOUT_MS });
      return parsePing(res.exitCode, res.stdout, res.stderr);
    },
  };
}

/** Root only inside a user namespace of its own (a rootless `nsnet sandbox`): uid 0 here is
 *  not uid 0 of the machine (/proc/self/uid_map maps fewer than every uid). */
function inUserNamespace(): boolean {
  try {
    const first = readFileSync("/proc/self/uid_map", "utf8").trim().split(/\s+/);
    return first.length >= 3 && first[2] !== "4294967295";
  } catch {
    return false;
  }
}
