// Fault injection at every op index of one edit (script FROM applied, then TO) and of the
// fresh build of FROM: each failed `up` must roll back to exactly the world before it —
// links, addresses, routes, proxies, sysctls, and the services running. Then the edit
// applied for real must give the world a fresh build of TO gives. Runs in-process (the
// engine, not the CLI) inside the sandbox, to keep the many runs quick.
// Uses the product's own build (dist/, as the CLI tests do): the engine is most of it.
import { readFileSync } from "node:fs";

const D = process.env.NSNET_DIST;
if (!D) throw new Error("NSNET_DIST not set: run through test/kernel/sandbox.ts");
const { compileText } = await import(`${D}/engine/compile.js`);
const { up, planUp } = await import(`${D}/engine/up.js`);
const { down } = await import(`${D}/engine/down.js`);
const { readLive } = await import(`${D}/exec/live.js`);
const { prepareSandbox } = await import(`${D}/exec/sandbox.js`);
const { ProcessRunner } = await import(`${D}/exec/runner.js`);
const { diffLive, describeDiff } = await import(`${D}/exec/compare.js`);

const runner = new ProcessRunner();
const args = JSON.parse(process.argv[2] ?? "{}");
const out = (v) => process.stdout.write(JSON.stringify(v) + "\n");
const sameWorld = (a, b) => describeDiff(diffLive(a, b));

await prepareSandbox(runner, [{ name: "eth0", gatewayCidr: "198.51.100.1/24" }]);
const stateDir = "/run/nsnet";
const project = "ed";
const opts = (failAt) => ({ project, stateDir, runner, ...(failAt ? { failAt } : {}) });
const compile = (text, name) => {
  const c = compileText(text, `/edits/${name}.nsnet`);
  if (!c.ok) throw new Error(`${name}: ${JSON.stringify(c.diagnostics.map((d) => d.message))}`);
  delete c.allocations; // static addresses only; nothing to save
  return c;
};
const sysctls = (args.sysctls ?? []).map(([ns, key]) => ({ ns, key }));
/** The world: the kernel (every namespace) and the argv of each service still running. */
async function world() {
  const live = await readLive(runner, { sysctls: sysctls.filter((s) => s.ns === "host" || readFileSafe(`/run/netns/${s.ns}`) !== null) });
  let services = [];
  const state = readFileSafe(`${stateDir}/${project}/state.json`);
  if (state)
    services = JSON.parse(state)
      .services.filter((s) => running(s.pid))
      .map((s) => s.argv.join(" "))
      .sort();
  return { live, services };
}
function readFileSafe(p) {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return null;
  }
}
function running(pid) {
  const stat = readFileSafe(`/proc/${pid}/stat`);
  return stat !== null && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}
const differs = (a, b) => [
  ...sameWorld(a.live, b.live),
  ...(JSON.stringify(a.services) === JSON.stringify(b.services) ? [] : [`services ${JSON.stringify(a.services)} → ${JSON.stringify(b.services)}`]),
];

/** Fail each op of applying `c` in turn; every one must leave `expected` as it was. */
async function faults(c, expected) {
  const n = (await planUp(c, opts())).ops.length;
  const out = [];
  for (let i = 1; i <= n; i++) {
    const r = await up(c, opts(i));
    out.push({ n: i, status: r.status, failedOp: r.failure?.op?.index, diff: differs(expected, await world()), leftovers: r.leftovers ?? [] });
  }
  return { ops: n, runs: out };
}

const res = {};
const from = compile(args.from, "from");
const to = compile(args.to, "to");
const base = await world();

if (args.fresh) res.fresh = await faults(from, base);

const first = await up(from, opts());
res.applyFrom = first.status;
const before = await world();
res.edit = await faults(to, before);

const edited = await up(to, opts());
res.applyTo = { status: edited.status, ops: edited.ops.length, failure: edited.failure?.message };
const afterEdit = await world();
res.again = (await up(to, opts())).ops.length;
// the script taken down vouches for its ops on the uplink (its file is not on disk: its compile)
const d1 = await down(opts(), { compiled: () => to });
res.down1 = { status: d1.status, leftovers: d1.leftovers ?? [] };
const fresh = await up(to, opts());
res.freshTo = fresh.status;
res.editVsFresh = differs(await world(), afterEdit);
const d2 = await down(opts(), { compiled: () => to });
res.down2 = { status: d2.status, leftovers: d2.leftovers ?? [], diff: differs(base, await world()) };
out(res);
