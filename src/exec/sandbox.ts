import { mkdir, readlink, writeFile } from "node:fs/promises";
import type { Runner } from "./runner.js";
import { ipBatchArgv } from "./commands.js";
import { isValidIfName } from "./runner.js";
import { DEFAULT_ALLOCATION_ROOT } from "../ipam/store-fs.js";
import { SANDBOX_LAN_ALIAS, SANDBOX_UPLINK_ALIAS } from "../model/sandbox-marks.js";

/**
 * `nsnet sandbox`: a private mount + network + PID namespace in which a script is applied and a
 * command run; everything vanishes when the sandbox's first process exits. The CLI calls
 * enterSandbox() (outside), which re-executes the CLI as `__sandbox-inner` under unshare;
 * the inner CLI calls prepareSandbox() and then applies the script and runs the command.
 */
export const SANDBOX_INNER = "__sandbox-inner";

/** The namespace that plays the uplinks' LAN (their gateways live there). */
export const LAN_NS = "lan";

export interface SandboxUplink {
  /** the host device the script declares with `uplink IF` */
  name: string;
  /** the gateway's address with the prefix of the host's address on IF ("1.1.128.1/20") */
  gatewayCidr?: string;
}

/**
 * argv that re-executes the CLI inside fresh namespaces. The PID namespace, with its own
 * /proc mounted, makes the inner CLI its PID 1: `/proc/1/…` and every pid inside name the
 * sandbox's processes, never the machine's (a CNI_NETNS of /proc/1/ns/net is the sandbox's
 * own namespace); a pid recorded or signalled inside cannot reach a process outside; and
 * when the inner CLI exits the kernel kills whatever it left running.
 */
export function sandboxArgv(innerArgs: readonly string[], cliPath: string = process.argv[1] ?? "", rootless: boolean = process.getuid?.() !== 0): string[] {
  return [
    "unshare",
    // a normal user gets a user namespace of its own, in which it is root: the namespaces
    // below are then its to configure (README: The sandbox)
    ...(rootless ? ["--user", "--map-root-user"] : []),
    "--mount",
    "--net",
    "--pid",
    "--fork",
    "--mount-proc",
    "--propagation",
    "private",
    "--",
    process.execPath,
    cliPath,
    SANDBOX_INNER,
    ...innerArgs,
  ];
}

/**
 * Outer half: run the inner CLI in a private mount+net namespace, terminal attached. The
 * user's command (`-- CMD…`), last in `innerArgs`, is theirs: its arguments may hold what
 * nsnet's own never do (a newline in `bash -c $'a\nb'`); they go to argv, never a shell.
 */
export async function enterSandbox(runner: Runner, innerArgs: readonly string[], cliPath?: string, userCommand: readonly string[] = []): Promise<number> {
  const argv = sandboxArgv(userCommand.length ? [...innerArgs, "--", ...userCommand] : innerArgs, cliPath);
  const r = await runner.run(argv, { interactive: true, env: await sandboxEnv(), userArgsFrom: argv.length - userCommand.length });
  return r.exitCode;
}

/** Tells the inner half which network namespace it must NOT be in (the outer one). */
export const OUTER_NETNS_ENV = "NSNET_SANDBOX_OUTER_NETNS";
/** …and which PID namespace the outer half ran in: one of its own makes PID 1 the sandbox's. */
export const OUTER_PIDNS_ENV = "NSNET_SANDBOX_OUTER_PIDNS";

export async function sandboxEnv(): Promise<Record<string, string>> {
  return { [OUTER_NETNS_ENV]: await readlink("/proc/self/ns/net"), [OUTER_PIDNS_ENV]: await readlink("/proc/self/ns/pid") };
}

export class NotSandboxedError extends Error {}

/**
 * Refuses to go on in the machine's own network namespace: the sandbox's set-up mounts
 * over /run and creates links, which must never happen outside. PID 1 lives in the
 * namespace the machine booted with, the outer half says which one it ran in; ours must
 * differ from both (and at least one must be known). In a PID namespace of the sandbox's
 * own (the inner half is its PID 1, or the outer half's PID namespace is not ours), PID 1
 * is the sandbox's and proves nothing: the outer half's word is required.
 */
export async function assertInPrivateNetns(): Promise<void> {
  const mine = await readlink("/proc/self/ns/net");
  const outer = process.env[OUTER_NETNS_ENV];
  const outerPid = process.env[OUTER_PIDNS_ENV];
  const ownPidNs = process.pid === 1 || (outerPid !== undefined && (await readlink("/proc/self/ns/pid")) !== outerPid);
  const init = ownPidNs ? null : await readlink("/proc/1/ns/net").catch(() => null);
  if ((outer === undefined && init === null) || mine === outer || mine === init) {
    throw new NotSandboxedError("not inside a private network namespace (use `nsnet sandbox`, which runs unshare)");
  }
}

/**
 * Inner half: /run and /var/lib/nsnet become tmpfs (so /run/netns, /run/nsnet and the
 * allocations are the sandbox's own),
 * lo goes up, and each uplink is simulated by a veth whose far end, in namespace `lan`,
 * holds the gateway address — so scripts that route via their uplink work anywhere.
 */
export async function prepareSandbox(runner: Runner, uplinks: readonly SandboxUplink[] = []): Promise<void> {
  await assertInPrivateNetns();
  for (const u of uplinks) {
    if (!isValidIfName(u.name)) throw new Error(`invalid uplink name ${JSON.stringify(u.name)}`);
    if (u.gatewayCidr !== undefined && !/^[0-9A-Fa-f:.]+\/\d{1,3}$/.test(u.gatewayCidr)) {
      throw new Error(`invalid gateway ${JSON.stringify(u.gatewayCidr)}`);
    }
  }
  await must(runner, ["mount", "-t", "tmpfs", "-o", "mode=0755", "nsnet-sandbox", "/run"]);
  await mkdir("/run/netns", { recursive: true });
  // Sticky allocations default to /var/lib/nsnet, which a tmpfs on /run does not cover: a
  // command run in the sandbox without --state-dir would write the machine's own files.
  await mkdir(DEFAULT_ALLOCATION_ROOT, { recursive: true, mode: 0o700 });
  await must(runner, ["mount", "-t", "tmpfs", "-o", "mode=0700", "nsnet-sandbox-alloc", DEFAULT_ALLOCATION_ROOT]);
  // No DNS in the sandbox: an empty resolv.conf (in our private mount namespace only) makes
  // lookups fail at once instead of sending queries through a simulated uplink and waiting
  // out the resolver's timeout (python's http.server resolves its own address first).
  await mkdir("/run/nsnet-sandbox", { recursive: true });
  await writeFile("/run/nsnet-sandbox/resolv.conf", "# nsnet sandbox: no DNS\n");
  await must(runner, ["mount", "--bind", "/run/nsnet-sandbox/resolv.conf", "/etc/resolv.conf"]);
  const host = ["link set lo up"];
  const lan: string[] = [];
  if (uplinks.length) {
    host.unshift(`netns add ${LAN_NS}`);
    // marked as the sandbox's stand-ins for the outside world, for `nsnet show` (sandbox-marks.ts)
    lan.push("link set lo up", `link set lo alias ${SANDBOX_LAN_ALIAS}`);
    for (const u of uplinks) {
      host.push(
        `link add ${u.name} type veth peer name ${u.name} netns ${LAN_NS}`,
        `link set ${u.name} alias ${SANDBOX_UPLINK_ALIAS}`,
        `link set ${u.name} up`,
      );
      if (u.gatewayCidr) lan.push(`addr add ${u.gatewayCidr} dev ${u.name}`);
      lan.push(`link set ${u.name} up`);
    }
  }
  await must(runner, ipBatchArgv("host"), host.join("\n") + "\n");
  if (lan.length) await must(runner, ipBatchArgv(LAN_NS), lan.join("\n") + "\n");
}

async function must(runner: Runner, argv: string[], input?: string): Promise<void> {
  const r = await runner.run(argv, input === undefined ? {} : { input });
  if (r.exitCode !== 0) throw new Error(`sandbox set-up: ${argv.join(" ")}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
}
