import { resolve } from "node:path";
import type { Invocation } from "../invocation.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { engineOptions } from "../engine-options.js";
import { printDiagnostics } from "../output.js";
import { reportUp } from "./up.js";
import { up } from "../../engine/up.js";
import { down } from "../../engine/down.js";
import { ProcessRunner } from "../../exec/runner.js";
import { enterSandbox, prepareSandbox, SANDBOX_INNER, type SandboxUplink } from "../../exec/sandbox.js";
import { projectName } from "../../exec/state-store.js";
import { entryPath } from "../entry-path.js";
import { HOST, type AddressedTopology } from "../../model/topology.js";
import type { Runner as EngineRunner } from "../../exec/runner.js";

/** the sandbox's state root: on the tmpfs it mounts over /run, allocations included */
export const SANDBOX_STATE_DIR = "/run/nsnet";

/** Global flags worth carrying into the inner half. */
function globalFlags(inv: Invocation): string[] {
  const g = inv.global;
  return [...(g.verbose ? ["--verbose"] : []), ...(g.quiet ? ["--quiet"] : []), ...(g.json ? ["--json"] : []), ...(g.project ? ["--project", g.project] : [])];
}

/** Outer half of `nsnet sandbox FILE [-- CMD…]`: re-run ourselves under unshare. */
export async function runSandbox(inv: Invocation): Promise<number> {
  if (inv.flags.attach === true) return attachSandbox(inv);
  const file = inv.args[0];
  if (!file || inv.args.length > 1) throw new UsageError("expected exactly one FILE");
  const compiled = compileFile(file);
  if (!compiled.ok) {
    printDiagnostics(compiled.diagnostics, compiled.sources, inv.global);
    return EXIT.checkErrors;
  }
  const inner = [resolve(file), ...globalFlags(inv)];
  return enterSandbox(new ProcessRunner(), inner, entryPath(), inv.rest);
}

/** `nsnet sandbox --attach [PID] [-- CMD…]`: a second terminal joins a running sandbox
 *  (src/exec/attach.ts); CMD defaults to bash. */
async function attachSandbox(inv: Invocation): Promise<number> {
  const { runningSandboxes, sandboxAt, stillSame, attachArgv } = await import("../../exec/attach.js");
  if (inv.args.length > 1 || (inv.args[0] !== undefined && !/^[1-9]\d*$/.test(inv.args[0]))) throw new UsageError("--attach takes at most a PID");
  const found = inv.args[0] !== undefined ? [sandboxAt(Number(inv.args[0]))].filter((s) => s !== null) : runningSandboxes();
  if (found.length === 0) {
    process.stderr.write(`nsnet sandbox: no running sandbox of yours${inv.args[0] ? ` with PID ${inv.args[0]}` : ""}\n`);
    return EXIT.usage;
  }
  if (found.length > 1) {
    process.stderr.write(`nsnet sandbox: ${found.length} sandboxes are running; name one: nsnet sandbox --attach PID\n`);
    for (const s of found) process.stderr.write(`  ${s.pid}  ${s.file}\n`);
    return EXIT.usage;
  }
  const s = found[0]!;
  const cmd = inv.rest.length ? inv.rest : ["bash"];
  // checked again right before entering: the PID could have been reused since the scan
  if (!stillSame(s)) {
    process.stderr.write(`nsnet sandbox: the sandbox with PID ${s.pid} is gone\n`);
    return EXIT.usage;
  }
  const argv = attachArgv(s, cmd);
  return (await new ProcessRunner().run(argv, { interactive: true, userArgsFrom: argv.length - cmd.length })).exitCode;
}

/**
 * Each `uplink` is simulated by a veth to namespace `lan`, whose end holds the gateway the
 * script routes through (host `route default via GW`), with the prefix of the host's own
 * address on that uplink (so the gateway is on-link).
 */
export function simulatedUplinks(t: AddressedTopology): SandboxUplink[] {
  const gw = t.routes.find((r) => r.ns === HOST && r.dst === "default" && r.via)?.via;
  return t.devices
    .filter((d) => d.kind === "uplink")
    .map((d) => {
      const own = t.resolved.find((r) => r.ns === HOST && r.dev === d.name && r.cidr.includes(".") === Boolean(gw?.includes(".")));
      const prefix = own?.cidr.split("/")[1];
      return gw && prefix ? { name: d.name, gatewayCidr: `${gw}/${prefix}` } : { name: d.name };
    });
}

/**
 * Each `bridge NAME existing` is simulated by a bridge made before `up`, without nsnet's mark:
 * what lxc-net (or libvirt) would have left, so an imported LXC config runs in the sandbox
 * as it would on its host, and `down` leaves the bridge, as there.
 */
export function simulatedBridges(t: AddressedTopology): string[] {
  return t.devices.filter((d) => d.kind === "bridge" && d.existing && d.ns === HOST).map((d) => d.name);
}

async function makeBridges(runner: EngineRunner, names: readonly string[]): Promise<void> {
  for (const name of names) {
    for (const argv of [
      ["ip", "link", "add", name, "type", "bridge"],
      ["ip", "link", "set", name, "up"],
    ]) {
      const r = await runner.run(argv);
      if (r.exitCode !== 0) throw new Error(`sandbox set-up: ${argv.join(" ")}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    }
  }
}

/** Inner half: inside the private namespaces — simulate uplinks, apply, run CMD or the REPL. */
export async function runSandboxInner(inv: Invocation): Promise<number> {
  if (inv.command !== SANDBOX_INNER) throw new UsageError("internal command");
  const file = inv.args[0]!;
  // Everything stays inside the sandbox: state and allocations under its own /run (tmpfs).
  const global = { ...inv.global, project: inv.global.project ?? projectName(file), stateDir: SANDBOX_STATE_DIR };
  const opts = engineOptions(global, file);
  const compiled = compileFile(file);
  if (!compiled.ok || !compiled.addressed) {
    printDiagnostics(compiled.diagnostics, compiled.sources, global);
    return EXIT.checkErrors;
  }
  await prepareSandbox(opts.runner, simulatedUplinks(compiled.addressed));
  await makeBridges(opts.runner, simulatedBridges(compiled.addressed));
  const r = await up(compiled, opts);
  if (!global.json) printDiagnostics(r.diagnostics, compiled.sources, global);
  const code = reportUp(r, { global }, file);
  if (code !== EXIT.ok && code !== EXIT.expectFailed) return code;
  let cmdCode: number;
  try {
    if (inv.rest.length) {
      cmdCode = (await opts.runner.run(inv.rest, { interactive: true, userCommand: true })).exitCode;
    } else {
      const { runRepl } = await import("./repl.js");
      cmdCode = await runRepl({ ...inv, command: "repl", args: [file], rest: [], global }, { alreadyApplied: true, sandboxed: true });
    }
  } finally {
    // Services (`run in`) would keep the sandbox's namespaces alive after we exit: stop
    // them, and remove the rest the orderly way.
    await down(opts, { file });
  }
  // A failed `expect` is the sandbox's answer even when CMD itself succeeded.
  return cmdCode === EXIT.ok && code === EXIT.expectFailed ? EXIT.expectFailed : cmdCode;
}
