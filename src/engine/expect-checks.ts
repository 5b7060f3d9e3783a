import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { visible } from "../diagnostics/render.js";
import { readSysctls } from "../exec/live.js";
import type { Runner } from "../exec/runner.js";
import { canonicalCidr } from "../ipam/cidr.js";
import { HOST, type AddressedTopology, type Expectation } from "../model/topology.js";
import type { Net } from "../why/index.js";
import { addressesOf, inNs, target } from "./expect-target.js";

/**
 * The `expect` forms that look at a namespace rather than send to one (issue 22 item 4): a
 * route in its table, a sysctl, a command's output; and the path of `reaches … via R`, traced
 * hop by hop with ping's TTL (each router on the way answers "Time to live exceeded" from one
 * of its addresses), so the kernel says which namespaces the packets crossed.
 */
type Outcome = { ok: boolean; detail: string; reason?: Diagnostic };
type Of<K extends Expectation["kind"]> = Extract<Expectation, { kind: K }>;

const MAX_TTL = 8;
const OUTPUT_SHOWN = 120;

export async function viaOnce(net: Net, e: Of<"reach">, addr: string, runner: Runner): Promise<Outcome> {
  const via = e.via!;
  const theirs = new Set(addressesOf(net, via));
  const hops: string[] = [];
  for (let ttl = 1; ttl <= MAX_TTL; ttl++) {
    const r = await runner.run(inNs(e.from, ["ping", "-n", "-c1", "-W1", "-t", String(ttl), addr]), { timeoutMs: 3000 });
    if (r.exitCode === 0) break;
    const from = /From ([0-9a-fA-F.:]+)[^\n]*Time to live exceeded/i.exec(r.stdout)?.[1];
    hops.push(from ?? "*");
  }
  const named = (a: string) => {
    const owner = net.addrs.find((x) => x.cidr.split("/")[0] === a)?.place;
    return owner ? `${a} (${owner})` : a;
  };
  const path = [...hops.map(named), addr].join(" → ");
  const through = hops.some((h) => theirs.has(h));
  return { ok: through, detail: through ? `reached ${addr} through ${via}: ${path}` : `reached ${addr}, but not through ${via}: ${path}` };
}

export async function routeOnce(e: Of<"route">, runner: Runner): Promise<Outcome> {
  const six = e.dst.includes(":") || (e.via?.includes(":") ?? false);
  const where = e.from === HOST ? [] : ["-n", e.from];
  const r = await runner.run(["ip", "-j", ...(six ? ["-6"] : []), ...where, "route", "show"], { timeoutMs: 5000 });
  if (r.exitCode !== 0) return { ok: false, detail: `cannot read the routes of ${e.from}: ${visible(r.stderr.trim().split("\n")[0] ?? "")}` };
  let routes: { dst?: string; gateway?: string; dev?: string }[];
  try {
    routes = JSON.parse(r.stdout || "[]");
  } catch {
    return { ok: false, detail: `cannot read the routes of ${e.from}` };
  }
  const full = (d: string) => (d === "default" ? d : (canonicalCidr(d.includes("/") ? d : `${d}/${d.includes(":") ? 128 : 32}`) ?? d));
  const want = full(e.dst);
  const same = routes.filter((x) => x.dst !== undefined && full(x.dst) === want);
  const hit = same.find((x) => (e.via === undefined || x.gateway === e.via) && (e.dev === undefined || x.dev === e.dev));
  const show = (x: { dst?: string; gateway?: string; dev?: string }) => `${x.dst}${x.gateway ? ` via ${x.gateway}` : ""}${x.dev ? ` dev ${x.dev}` : ""}`;
  if (hit) return { ok: true, detail: `${e.from} has ${show(hit)}` };
  if (same.length) return { ok: false, detail: `${e.from} has ${same.map(show).join(", ")}` };
  return { ok: false, detail: `${e.from} has no route ${e.dst}` };
}

export async function sysctlOnce(e: Of<"sysctl">, runner: Runner): Promise<Outcome> {
  const read = await readSysctls(runner, [{ ns: e.from, key: e.key }]).catch(() => ({}) as Record<string, Record<string, string>>);
  const got = read[e.from]?.[e.key];
  if (got === undefined) return { ok: false, detail: `${e.from} has no sysctl ${e.key}` };
  const norm = (v: string) => v.trim().split(/\s+/).join(" ");
  return { ok: norm(got) === norm(e.value), detail: `${e.from} has ${e.key} = ${visible(norm(got))}` };
}

/** The command runs in the namespace (names of namespaces in its words become their
 *  addresses, as in the REPL), at most 5 s; its standard output is matched. */
export async function commandOnce(t: AddressedTopology, net: Net, e: Of<"command">, runner: Runner): Promise<Outcome> {
  const argv = e.argv.map((a) => (t.namespaces.some((n) => n.name === a) ? target(t, net, a) : a));
  const r = await runner.run(inNs(e.from, argv), { timeoutMs: 5000, userCommand: true });
  const re = new RegExp(e.pattern, e.flags);
  if (re.test(r.stdout)) return { ok: true, detail: `output matches /${e.pattern}/${e.flags}` };
  const first = r.stdout.trim().split("\n")[0] ?? "";
  const shown = first.length > OUTPUT_SHOWN ? `${first.slice(0, OUTPUT_SHOWN)}…` : first;
  const status = r.exitCode === 0 ? "" : `exit ${r.exitCode}, `;
  return { ok: false, detail: `${status}output does not match /${e.pattern}/${e.flags}${shown ? `: ${visible(shown)}` : " (no output)"}` };
}
