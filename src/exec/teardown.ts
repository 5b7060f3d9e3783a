import { HOST } from "../model/topology.js";
import { devicesTouched } from "../plan/effect.js";
import type { Op } from "../plan/op.js";
import type { Runner } from "./runner.js";
import { enterArgv } from "./enter.js";
import { parseLinks } from "./ip-json.js";
import type { UndoStep } from "./undo-step.js";

/**
 * Undo steps whose work the kernel does anyway. When an undo deletes a namespace, what is
 * inside it goes with it: its addresses, routes, links' states, sysctls and nft tables
 * need no step of their own — and the veths with an end in it disappear from the other
 * side too. Deleting N veths one by one costs the kernel N synchronisations; deleting
 * their namespaces lets it tear them all down in one go. Likewise an address, route or
 * state of a link that a later step deletes. Services are always stopped, moved devices
 * always moved back, and links inside a deleted namespace still deleted explicitly.
 *
 * A veth left to its namespace's deletion is gone only when the kernel has cleaned the
 * namespace up, a moment later: `awaitVanished` waits for that (bounded), so when undo
 * returns the world is the same as if every step had run; what did not vanish is then
 * deleted the ordinary way.
 */
export interface Teardown {
  /** the steps to run, in order */
  steps: UndoStep[];
  /** `link del` steps left to a namespace deletion among `steps` */
  vanishing: UndoStep[];
}

const key = (ns: string, name: string) => `${ns}\0${name}`;

/** The undo steps a teardown runs, and those it leaves to the kernel. Pure. */
export function planTeardown(all: readonly UndoStep[]): Teardown {
  const deletedNs = new Set<string>();
  const deletedLinks = new Set<string>();
  for (const { effect: e } of all) {
    if (e.k === "netns-del") deletedNs.add(e.name);
    if (e.k === "link-del") deletedLinks.add(key(e.ns, e.name));
  }
  const steps: UndoStep[] = [];
  const vanishing: UndoStep[] = [];
  for (const s of all) {
    const e = s.effect;
    if (e.k === "service-stop" || s.service !== undefined) {
      steps.push(s);
      continue;
    }
    const inDeletedNs = deletedNs.has(s.step.ns);
    if (inDeletedNs && (e.k === "sysctl" || e.k === "nft-del")) continue;
    switch (e.k) {
      case "addr":
      case "route":
      case "proxy":
      case "updown":
      case "alias":
      case "master":
      case "mtu":
      case "hwaddr": {
        // within a namespace being deleted, or about a link being deleted
        if (inDeletedNs) continue;
        const devs = devicesTouched(e);
        if (devs.length && devs.every((d) => deletedLinks.has(key(s.step.ns, d)))) continue;
        steps.push(s);
        break;
      }
      case "link-del": {
        const made = s.op.effect;
        const peerNs = made.k === "link" && made.kind === "veth" && made.ns === e.ns && made.name === e.name ? made.peer.ns : undefined;
        if (!inDeletedNs && peerNs !== undefined && peerNs !== e.ns && deletedNs.has(peerNs)) vanishing.push(s);
        else steps.push(s);
        break;
      }
      default:
        steps.push(s);
    }
  }
  return { steps, vanishing };
}

export interface VanishOptions {
  /** give up when nothing vanished for this long (default 2 s) */
  stallMs?: number;
  /** and in any case after this long (default 30 s) */
  maxMs?: number;
  pollMs?: number;
}

/** Waits until the links of `vanishing` are gone; returns the steps whose link is still there. */
export async function awaitVanished(runner: Runner, vanishing: readonly UndoStep[], opts: VanishOptions = {}): Promise<UndoStep[]> {
  const stallMs = opts.stallMs ?? 2000;
  const maxMs = opts.maxMs ?? 30_000;
  const pollMs = opts.pollMs ?? 20;
  let left = [...vanishing];
  const t0 = Date.now();
  let lastProgress = t0;
  while (left.length) {
    const present = await linksOf(runner, [...new Set(left.map((s) => s.step.ns))]);
    const still = left.filter((s) => s.effect.k === "link-del" && present.has(key(s.effect.ns, s.effect.name)));
    if (still.length < left.length) lastProgress = Date.now();
    left = still;
    if (!left.length || Date.now() - lastProgress > stallMs || Date.now() - t0 > maxMs) break;
    await new Promise((res) => setTimeout(res, pollMs));
  }
  return left;
}

/** "ns\0name" of every link in the places (a place that is gone has none). */
async function linksOf(runner: Runner, places: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const p of places) {
    const r = await runner.run(enterArgv(p, ["ip", "-j", "link", "show"]));
    if (r.exitCode !== 0) {
      if (p === HOST) throw new Error(`ip link show: ${r.stderr.trim()}`);
      continue;
    }
    for (const l of parseLinks(p, r.stdout)) out.add(key(p, l.name));
  }
  return out;
}

/**
 * The namespaces an undo must read before it runs: those where it deletes a link (is the
 * link ours?) and those it deletes (does a link of another owner live there? — then the
 * namespace is not deleted; see ownership.ts). The host is always read.
 */
export function namespacesToRead(ops: readonly { op: Op; confirmed: boolean }[]): string[] {
  const out = new Set<string>();
  for (const { op } of ops) {
    const inv = op.inverse;
    if (inv?.k === "netns-del") out.add(inv.name);
    if (inv?.k === "link-del" && inv.ns !== HOST) out.add(inv.ns);
  }
  return [...out].sort();
}
