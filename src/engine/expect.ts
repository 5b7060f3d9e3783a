import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { location } from "../diagnostics/render.js";
import type { Runner } from "../exec/runner.js";
import type { AddressedTopology, Expectation } from "../model/topology.js";
import { netFromTopology, why, type Net, type WhyResult } from "../why/index.js";
import { commandOnce, routeOnce, sysctlOnce, viaOnce } from "./expect-checks.js";
import { inNs, target } from "./expect-target.js";
import { liveForWhy } from "./why.js";

const PROBE = fileURLToPath(new URL("../exec/probe.js", import.meta.url));
/** services (`run in`) may still be starting: a probe is retried for this long at most */
const SETTLE_MS = 4000;
const RETRY_MS = 250;

export interface ExpectResult {
  text: string;
  ok: boolean;
  detail: string;
  /** what `nsnet grade` gives for it: `points N` (absent: 1) */
  points?: number;
  /** where it was written */
  span?: Expectation["span"];
  /** why a packet did not arrive (`nsnet why`), when the path walk found the break */
  reason?: Diagnostic;
  /** the failure was proven from the script alone, so it was not retried */
  proven?: boolean;
}

export function describeExpectation(e: Expectation): string {
  switch (e.kind) {
    case "reach":
      return `expect ${e.from} ${e.negate ? "not " : ""}reaches ${e.to}${e.via !== undefined ? ` via ${e.via}` : ""}`;
    case "http":
      return `expect http ${e.url} status ${e.status} from ${e.from}`;
    case "tcp":
      return `expect tcp ${e.host}:${e.port} open from ${e.from}`;
    case "sees":
      return `expect ${e.watcher} sees ${e.from} as ${e.as}`;
    case "route":
      return `expect ${e.from} route ${e.dst}${e.via ? ` via ${e.via}` : ""}${e.dev ? ` dev ${e.dev}` : ""}`;
    case "sysctl":
      return `expect ${e.from} sysctl ${e.key} = ${e.value}`;
    case "command":
      return `expect ${e.from}: ${e.argv.join(" ")} matches /${e.pattern}/${e.flags}`;
  }
}

type Outcome = { ok: boolean; detail: string; reason?: Diagnostic };

/** The path walk's word on a ping, as a detail: the finding and its line. */
function because(r: WhyResult): string {
  return r.finding ? `: ${r.finding.message} (${location(r.finding.span)})` : "";
}

async function once(t: AddressedTopology, e: Expectation, runner: Runner, net: () => Net): Promise<Outcome> {
  switch (e.kind) {
    case "reach": {
      const addr = target(t, net(), e.to);
      const r = await runner.run(inNs(e.from, ["ping", "-n", "-c1", "-W1", addr]), { timeoutMs: 3000 });
      const reached = r.exitCode === 0;
      const rtt = /time=([\d.]+ ms)/.exec(r.stdout)?.[1];
      if (reached && e.via !== undefined && !e.negate) return viaOnce(net(), e, addr, runner);
      return { ok: reached !== e.negate, detail: reached ? `reached ${addr}${rtt ? ` in ${rtt}` : ""}` : `${addr} unreachable` };
    }
    case "http": {
      const r = await runner.run(inNs(e.from, [process.execPath, PROBE, "http", e.url]), { timeoutMs: 5000 });
      const got = r.stdout.trim();
      return { ok: got === String(e.status), detail: `got ${got || "no answer"}` };
    }
    case "tcp": {
      const r = await runner.run(inNs(e.from, [process.execPath, PROBE, "tcp", target(t, net(), e.host), String(e.port)]), { timeoutMs: 5000 });
      return { ok: r.stdout.trim() === "open", detail: r.stdout.trim() || "no answer" };
    }
    case "sees": {
      const addr = target(t, net(), e.watcher);
      const port = String(40000 + Math.floor(Math.random() * 20000));
      const family = addr.includes(":") ? "6" : "4";
      const [heard] = await Promise.all([
        runner.run(inNs(e.watcher, [process.execPath, PROBE, "listen-udp", family, port, "2500"]), { timeoutMs: 5000 }),
        runner.run(inNs(e.from, [process.execPath, PROBE, "send-udp", addr, port, "2000"]), { timeoutMs: 5000 }),
      ]);
      const seen = /^from (\S+)/.exec(heard.stdout)?.[1]?.replace(/^::ffff:/, "");
      if (!seen) return { ok: false, detail: `${e.watcher} heard nothing from ${e.from}` };
      return { ok: seen === e.as, detail: `${e.watcher} sees ${e.from} as ${seen}` };
    }
    case "route":
      return routeOnce(e, runner);
    case "sysctl":
      return sysctlOnce(e, runner);
    case "command":
      return commandOnce(t, net(), e, runner);
  }
}

/**
 * What the script alone proves about a probe that failed: a ping (or a `sees`) whose path the
 * walk finds broken fails for that reason, and waiting cannot change it — it is not retried.
 */
function proof(t: AddressedTopology, e: Expectation, net: Net): Outcome | undefined {
  if (e.kind === "reach" && !e.negate) {
    const r = why(t, e.from, e.to, { net });
    if (typeof r === "string") return undefined;
    if (!r.reachable) return { ok: false, detail: `${r.dst} unreachable${because(r)}`, ...(r.finding ? { reason: r.finding } : {}) };
    // `via` names a namespace on the way: not where the packet starts or arrives
    const places = r.legs[0]?.hops.map((h) => h.place) ?? [];
    if (e.via !== undefined && !places.slice(1, -1).includes(e.via)) return { ok: false, detail: `the path is ${places.join(" → ")}, not through ${e.via}` };
    return undefined;
  }
  if (e.kind === "sees") {
    const r = why(t, e.from, e.watcher, { net });
    if (typeof r === "string") return undefined;
    const there = r.legs[0];
    const last = there?.hops.at(-1);
    if (!last?.delivered) return { ok: false, detail: `${e.watcher} hears nothing from ${e.from}${because(r)}`, ...(r.finding ? { reason: r.finding } : {}) };
    const src =
      [...(there?.hops ?? [])]
        .reverse()
        .find((h) => h.nat)
        ?.nat?.split(" as ")[1] ?? there?.hops[0]?.src;
    if (src && src !== e.as) return { ok: false, detail: `${e.watcher} sees ${e.from} as ${src}` };
  }
  return undefined;
}

/** A failed ping explained over the kernel's state, when the script alone found no break. */
async function liveReason(t: AddressedTopology, e: Expectation, runner: Runner, net: Net): Promise<Outcome | undefined> {
  if (e.kind !== "reach" || e.negate) return undefined;
  try {
    const live = await liveForWhy(net, runner);
    const r = live ? why(t, e.from, e.to, { live, net }) : undefined;
    if (!r || typeof r === "string" || r.reachable) return undefined;
    return { ok: false, detail: `${r.dst} unreachable${because(r)}`, ...(r.finding ? { reason: r.finding } : {}) };
  } catch {
    return undefined;
  }
}

/** Forms whose answer may change while services start; routes and sysctls are set by `up`,
 *  and a command's output can only be waiting for a service when the script starts one. */
function retried(t: AddressedTopology, e: Expectation): boolean {
  if (e.kind === "reach") return !e.negate;
  if (e.kind === "command") return t.services.length > 0;
  return e.kind === "http" || e.kind === "tcp" || e.kind === "sees";
}

/** Runs every `expect` of the topology, bounded in count and time. */
export async function runExpectations(t: AddressedTopology, runner: Runner): Promise<ExpectResult[]> {
  const out: ExpectResult[] = [];
  let model: Net | undefined;
  const net = () => (model ??= netFromTopology(t));
  for (const e of t.expects) {
    const deadline = Date.now() + SETTLE_MS;
    let res = await once(t, e, runner, net);
    const proven = res.ok ? undefined : proof(t, e, net());
    // what the kernel showed stays (a `sees` names the source it saw); the proof adds why
    if (proven) res = e.kind === "sees" && res.detail.includes(" sees ") ? { ...res, ...(proven.reason ? { reason: proven.reason } : {}) } : proven;
    // A negative expectation is never retried: waiting could only make it pass wrongly.
    while (!res.ok && !proven && retried(t, e) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, RETRY_MS));
      res = await once(t, e, runner, net);
    }
    if (!res.ok && !proven) res = (await liveReason(t, e, runner, net())) ?? res;
    out.push({ text: describeExpectation(e), ...res, points: e.points ?? 1, span: e.span, ...(proven ? { proven: true } : {}) });
  }
  return out;
}
