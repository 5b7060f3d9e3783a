#!/usr/bin/env node
// CNI benchmark: the wall time of one ADD and one DEL through nsnet's plugin mode beside the
// reference `bridge` plugin (+ host-local) from Debian's containernetworking-plugins, the
// same netconf shape, measured in one run inside a private sandbox (unshare --mount --net,
// a tmpfs on /run and on /var/lib). Each round adds a fresh container to both networks,
// then deletes it; the median of the rounds is printed. Usage: bench-cni.mjs [ROUNDS] (default 7)
// Needs the build (dist/) and /usr/lib/cni (scripts/setup installs both).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// the installed nsnet is the bundle (dist/cli/nsnet.cjs); the unbundled entry otherwise
const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const cli = existsSync(join(dist, "cli", "nsnet.cjs")) ? join(dist, "cli", "nsnet.cjs") : join(dist, "cli", "main.js");
const rounds = Math.min(50, Math.max(1, Number(process.argv[2]) || 7));
if (!existsSync("/usr/lib/cni/bridge")) {
  console.log("cni: the reference plugins are missing (/usr/lib/cni); run scripts/setup");
  process.exit(0);
}

if (!process.env.NSNET_BENCH_INNER) {
  const r = spawnSync("unshare", ["--mount", "--net", "--propagation", "private", "--", process.execPath, fileURLToPath(import.meta.url), String(rounds)], {
    stdio: "inherit",
    env: { ...process.env, NSNET_BENCH_INNER: "1", NSNET_SANDBOX_OUTER_NETNS: readlinkSync("/proc/self/ns/net") },
  });
  process.exit(r.status ?? 1);
}

const { prepareSandbox } = await import(join(dist, "exec/sandbox.js"));
const { ProcessRunner } = await import(join(dist, "exec/runner.js"));
await prepareSandbox(new ProcessRunner(), []);
const must = (argv) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
};
must(["mount", "-t", "tmpfs", "bench-varlib", "/var/lib"]);
mkdirSync("/run/cni-bin", { recursive: true });
must([process.execPath, cli, "cni", "install", "/run/cni-bin"]);

const netconf = (type, name, bridge, subnet) =>
  JSON.stringify({
    cniVersion: "1.0.0",
    name,
    type,
    bridge,
    isGateway: true,
    ipMasq: true,
    ipam: { type: "host-local", subnet, routes: [{ dst: "0.0.0.0/0" }] },
  });
const nets = {
  reference: { path: "/usr/lib/cni/bridge", conf: netconf("bridge", "ref", "cni-ref", "192.0.2.0/25") },
  nsnet: { path: "/run/cni-bin/nsnet", conf: netconf("nsnet", "ours", "cni-ours", "192.0.2.128/25") },
};

/** CPU time (ms) of the children waited for, theirs included (/proc/self/stat cutime + cstime). */
function childCpu() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[13]) + Number(f[14])) * 10;
}

function call(net, command, id, netns) {
  const env = {
    PATH: process.env.PATH,
    CNI_COMMAND: command,
    CNI_CONTAINERID: id,
    CNI_NETNS: netns,
    CNI_IFNAME: "eth0",
    CNI_PATH: "/run/cni-bin:/usr/lib/cni",
  };
  const c0 = childCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(net.path, [], { input: net.conf, env, encoding: "utf8", timeout: 60_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${command} via ${net.path}: ${r.stdout}${r.stderr}`);
  return { wall: ms, cpu: childCpu() - c0 };
}

const times = { reference: { ADD: [], DEL: [] }, nsnet: { ADD: [], DEL: [] } };
// round 0 warms up (page cache, the bridges and masquerade rules made once) and is not counted
for (let i = 0; i <= rounds; i++) {
  for (const [who, net] of Object.entries(nets)) {
    const ns = `b-${who}-${i}`;
    must(["ip", "netns", "add", ns]);
    const add = call(net, "ADD", `${who}-${i}`, `/run/netns/${ns}`);
    const del = call(net, "DEL", `${who}-${i}`, `/run/netns/${ns}`);
    must(["ip", "netns", "del", ns]);
    if (i > 0) {
      times[who].ADD.push(add);
      times[who].DEL.push(del);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (ms) => `${ms.toFixed(0)} ms`.padStart(7);
console.log(
  `cni: one ADD / one DEL through ${cli.endsWith(".cjs") ? "the bundle" : "dist/cli/main.js"}, median of ${rounds} rounds in one sandbox (wall; cpu of the plugin and what it ran)`,
);
for (const cmd of ["ADD", "DEL"]) {
  const [ref, ours] = [times.reference[cmd], times.nsnet[cmd]];
  const [rw, ow] = [median(ref.map((t) => t.wall)), median(ours.map((t) => t.wall))];
  const [rc, oc] = [median(ref.map((t) => t.cpu)), median(ours.map((t) => t.cpu))];
  console.log(`  ${cmd}  nsnet ${f(ow)} (cpu ${f(oc)})   reference bridge+host-local ${f(rw)} (cpu ${f(rc)})   wall ${(ow / rw).toFixed(1)}×`);
}
