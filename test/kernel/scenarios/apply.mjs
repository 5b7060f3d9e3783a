// Apply the mid-size op list, read it back, ping across the bridge, fault-inject every op
// index (each must roll back to exactly the previous world), then down — leaving a
// look-alike link alone.
import { args, execute, readLive, downProject, runner, sandbox, out, sameWorld, midOps, StateStore } from "./lib.mjs";
import { existsSync } from "node:fs";

await sandbox();
const project = "kt";
const stateDir = "/run/nsnet";
const ops = midOps(project);
const res = {};

const empty = await readLive(runner);
if (args.faults) {
  res.faults = [];
  for (let n = 1; n <= ops.length; n++) {
    const r = await execute(ops, runner, { project, stateDir, failAt: n });
    const now = await readLive(runner);
    const state = await new StateStore(project, stateDir).readState();
    res.faults.push({
      n,
      status: r.status,
      failedOp: r.failure?.op?.index,
      diff: sameWorld(empty, now),
      journal: existsSync(`${stateDir}/${project}/journal.json`),
      applied: state.applied.length,
    });
  }
}

const ok = await execute(ops, runner, { project, stateDir, onProgress: () => {} });
res.apply = { status: ok.status, changed: ok.changed, failure: ok.failure };
const live = await readLive(runner, {
  sysctls: [
    { ns: "host", key: "net.ipv4.ip_forward" },
    { ns: "a", key: "net.ipv4.conf.all.forwarding" },
  ],
});
res.live = {
  namespaces: live.namespaces,
  links: live.links
    .filter((l) => l.name !== "lo")
    .map((l) => ({ ns: l.ns, name: l.name, kind: l.kind, alias: l.alias ?? null, master: l.master ?? null, up: l.up })),
  addrs: live.addrs.filter((a) => !a.cidr.startsWith("fe80") && a.cidr !== "127.0.0.1/8" && a.cidr !== "::1/128"),
  routes: live.routes.filter((r) => r.family === 4).map((r) => ({ ns: r.ns, dst: r.dst, via: r.via ?? null, dev: r.dev ?? null })),
  proxies: live.proxies,
  sysctls: live.sysctls,
};
const state = await new StateStore(project, stateDir).readState();
res.state = {
  applied: state.applied.length,
  originals: state.sysctlOriginals,
  sysctlInverse: state.applied.filter((o) => o.tool === "sysctl").map((o) => (o.inverse ? `${o.inverse.key}=${o.inverse.value}` : null)),
};

const { execa } = await import("execa");
const ping = await execa("ip", ["netns", "exec", "a", "ping", "-c1", "-W1", "192.0.2.2"], { reject: false });
res.ping = ping.exitCode;
const noping = await execa("ip", ["netns", "exec", "a", "ping", "-c1", "-W1", "192.0.2.99"], { reject: false });
res.pingMissing = noping.exitCode;

const again = await execute([], runner, { project, stateDir });
res.reapply = {
  status: again.status,
  changed: again.changed,
  diff: sameWorld(
    live,
    await readLive(runner, {
      sysctls: [
        { ns: "host", key: "net.ipv4.ip_forward" },
        { ns: "a", key: "net.ipv4.conf.all.forwarding" },
      ],
    }),
  ),
};

// someone deletes our bridge and makes their own with the same name, no alias
await execa("ip", ["link", "del", "br0"]);
await execa("ip", ["link", "add", "br0", "type", "bridge"]);
const down = await downProject(runner, { project, stateDir });
res.down = { undone: down.undone, skipped: down.skipped, left: down.left.map((l) => l.error) };
const after = await readLive(runner);
res.afterDown = {
  namespaces: after.namespaces,
  links: after.links.map((l) => `${l.ns}:${l.name}:${l.alias ?? ""}`),
  ipForward: (await readLive(runner, { sysctls: [{ ns: "host", key: "net.ipv4.ip_forward" }] })).sysctls.host,
};
res.finalState = (await new StateStore(project, stateDir).readState()).applied.length;
out(res);
