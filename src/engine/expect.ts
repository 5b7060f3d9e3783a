import { fileURLToPath } from "node:url";
import type { Runner } from "../exec/runner.js";
import { primaryAddress } from "../model/addresses.js";
import { HOST, type AddressedTopology, type Expectation } from "../model/topology.js";

const PROBE = fileURLToPath(new URL("../exec/probe.js", import.meta.url));
/** services (`run in`) may still be starting: a probe is retried for this long at most */
const SETTLE_MS = 4000;
const RETRY_MS = 250;

export interface ExpectResult {
  text: string;
  ok: boolean;
  detail: string;
}

function inNs(ns: string, argv: string[]): string[] {
  return ns === HOST ? argv : ["ip", "netns", "exec", ns, ...argv];
}

/** A name of a namespace stands for its primary address; anything else is an address. */
function target(t: AddressedTopology, name: string): string {
  return t.namespaces.some((n) => n.name === name) ? (primaryAddress(t, name) ?? name) : name;
}

export function describeExpectation(e: Expectation): string {
  switch (e.kind) {
    case "reach":
      return `expect ${e.from} ${e.negate ? "not " : ""}reaches ${e.to}`;
    case "http":
      return `expect http ${e.url} status ${e.status} from ${e.from}`;
    case "tcp":
      return `expect tcp ${e.host}:${e.port} open from ${e.from}`;
  }
}

async function once(t: AddressedTopology, e: Expectation, runner: Runner): Promise<{ ok: boolean; detail: string }> {
  switch (e.kind) {
    case "reach": {
      const addr = target(t, e.to);
      const r = await runner.run(inNs(e.from, ["ping", "-n", "-c1", "-W1", addr]), { timeoutMs: 3000 });
      const reached = r.exitCode === 0;
      const rtt = /time=([\d.]+ ms)/.exec(r.stdout)?.[1];
      return { ok: reached !== e.negate, detail: reached ? `reached ${addr}${rtt ? ` in ${rtt}` : ""}` : `${addr} unreachable` };
    }
    case "http": {
      const r = await runner.run(inNs(e.from, [process.execPath, PROBE, "http", e.url]), { timeoutMs: 5000 });
      const got = r.stdout.trim();
      return { ok: got === String(e.status), detail: `got ${got || "no answer"}` };
    }
    case "tcp": {
      const r = await runner.run(inNs(e.from, [process.execPath, PROBE, "tcp", target(t, e.host), String(e.port)]), { timeoutMs: 5000 });
      return { ok: r.stdout.trim() === "open", detail: r.stdout.trim() || "no answer" };
    }
  }
}

/** Runs every `expect` of the topology, bounded in count and time. */
export async function runExpectations(t: AddressedTopology, runner: Runner): Promise<ExpectResult[]> {
  const out: ExpectResult[] = [];
  for (const e of t.expects) {
    const deadline = Date.now() + SETTLE_MS;
    let res = await once(t, e, runner);
    // A negative expectation is never retried: waiting could only make it pass wrongly.
    while (!res.ok && !(e.kind === "reach" && e.negate) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, RETRY_MS));
      res = await once(t, e, runner);
    }
    out.push({ text: describeExpectation(e), ...res });
  }
  return out;
}
