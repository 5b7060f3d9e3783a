// Runs INSIDE `unshare --mount --net --propagation private` (never in the machine's own
// network namespace): builds a small world with `ip` directly, then reads it back through
// readLive + liveToSource and through the CLI, and prints one JSON line of findings.
import { execFileSync, spawnSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { join } from "node:path";

const build = process.env.NSNET_SHOW_BUILD;
const outer = process.env.NSNET_SHOW_OUTER_NETNS;
if (!build || !outer) throw new Error("run me through test/show/show-kernel.test.ts");
if (readlinkSync("/proc/self/ns/net") === outer) throw new Error("refusing to run in the outer network namespace");

const sh = (...argv) => execFileSync(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] }).toString();
sh("mount", "-t", "tmpfs", "tmpfs", "/run");
sh("mkdir", "-p", "/run/netns");
const ip = (...a) => sh("ip", ...a);
ip("link", "set", "lo", "up");
ip("netns", "add", "alpha");
ip("netns", "add", "beta");
// alpha ↔ host
ip("link", "add", "alpha_veth0", "type", "veth", "peer", "name", "eth0", "netns", "alpha");
ip("addr", "add", "192.0.2.1/30", "brd", "+", "dev", "alpha_veth0");
ip("link", "set", "alpha_veth0", "up");
ip("-n", "alpha", "addr", "add", "192.0.2.2/30", "brd", "+", "dev", "eth0");
ip("-n", "alpha", "link", "set", "eth0", "up");
ip("-n", "alpha", "route", "add", "default", "via", "192.0.2.1");
// alpha ↔ beta, beta's end a port of beta's bridge
ip("-n", "beta", "link", "add", "br0", "type", "bridge");
ip("-n", "beta", "link", "set", "br0", "up");
ip("-n", "beta", "addr", "add", "192.0.2.129/25", "brd", "+", "dev", "br0");
ip("link", "add", "x0", "netns", "alpha", "type", "veth", "peer", "name", "alpha_p", "netns", "beta");
ip("-n", "beta", "link", "set", "alpha_p", "master", "br0", "up");
// without a broadcast address (nsnet and ifupdown set one): show notes it
ip("-n", "alpha", "addr", "add", "192.0.2.130/25", "dev", "x0");
// a macvlan of a host bridge, moved into beta and left down
ip("link", "add", "hb0", "type", "bridge");
ip("link", "set", "hb0", "up");
ip("link", "add", "mv0", "link", "hb0", "type", "macvlan", "mode", "private");
ip("link", "set", "mv0", "netns", "beta");
ip("-n", "beta", "addr", "add", "192.0.2.200/32", "dev", "mv0");

const { ProcessRunner } = await import(join(build, "exec/runner.js"));
const { readLive } = await import(join(build, "exec/live.js"));
const { liveToSource } = await import(join(build, "show/live-to-source.js"));
const live = await readLive(new ProcessRunner());
const source = liveToSource(live);

const cli = (...args) => {
  const r = spawnSync(process.execPath, [join(build, "cli/main.js"), ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
process.stdout.write(JSON.stringify({ source, showBeta: cli("show", "beta"), typo: cli("show", "alpa"), json: cli("show", "alpha", "--json") }) + "\n");
