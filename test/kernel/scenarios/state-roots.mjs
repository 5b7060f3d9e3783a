// Runs under `unshare --mount --net` (test/kernel/state-roots.test.ts): a tmpfs over /run and
// one over /var/lib stand in for the machine's, so `nsnet up` without --state-dir can be
// watched writing where it would on a real host — without touching the real /var/lib/nsnet.
// Prints one JSON line: the files found after each step.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readlinkSync, statSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const { cli, file, sandboxFile } = JSON.parse(process.argv[2]);
const outer = process.env.NSNET_SANDBOX_OUTER_NETNS;
if (!outer || readlinkSync("/proc/self/ns/net") === outer) throw new Error("not in a private network namespace");

function must(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
}
must(["mount", "-t", "tmpfs", "-o", "mode=0755", "roots-run", "/run"]);
mkdirSync("/run/netns");
must(["mount", "-t", "tmpfs", "-o", "mode=0755", "roots-varlib", "/var/lib"]);
must(["ip", "link", "set", "lo", "up"]);

function files(root) {
  if (!existsSync(root)) return [];
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(root);
  return out.sort();
}
const snap = () => ({ varlib: files("/var/lib/nsnet"), run: files("/run/nsnet") });
const nsnet = (...args) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const res = {};
res.up = nsnet("up", file, "--project", "roots");
res.afterUp = snap();
res.down = nsnet("down", file, "--project", "roots");
res.afterDown = snap();
res.sandbox = nsnet("sandbox", sandboxFile, "--project", "inside", "--", "find", "/run/nsnet", "-name", "allocations.json");
res.afterSandbox = snap();
process.stdout.write("\n" + JSON.stringify(res) + "\n");
