// Runs INSIDE `nsnet sandbox` (never in the machine's own namespace) and plays a container
// runtime: creates /run/netns/ctrN, runs CNI plugins (nsnet through `nsnet cni install`,
// the reference ones from /usr/lib/cni) with the CNI environment and the netconf on stdin,
// threads prevResult through a conflist as libcni does, and prints one JSON line.
// Usage: node cni-runtime.mjs '<json: { cli, actions: [...] }>'
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from "node:fs";

const { cli, actions } = JSON.parse(process.argv[2]);
const BIN = "/run/cni-bin";
mkdirSync(BIN, { recursive: true });
// host-local keeps its reservations in /var/lib/cni, nsnet its addresses in /var/lib/nsnet:
// a tmpfs over /var/lib in this private mount namespace keeps both off the machine's disk
if (spawnSync("mount", ["-t", "tmpfs", "cni-test-varlib", "/var/lib"]).status !== 0) throw new Error("cannot mount a tmpfs on /var/lib");
// the plugin a runtime runs is the installed nsnet: the bundle next to the CLI when built
const bundle = cli.replace(/main\.js$/, "nsnet.cjs");
const install = spawnSync(process.execPath, [existsSync(bundle) ? bundle : cli, "cni", "install", BIN], { encoding: "utf8" });
if (install.status !== 0) throw new Error(`nsnet cni install failed: ${install.stderr}`);
const CNI_PATH = `${BIN}:/usr/lib/cni`;

function execPlugin(type, command, conf, env, bare = false) {
  const path = CNI_PATH.split(":")
    .map((d) => `${d}/${type}`)
    .find((f) => {
      try {
        accessSync(f, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (!path) return Promise.resolve({ status: 127, stdout: "", stderr: `plugin ${type} not found in ${CNI_PATH}` });
  return new Promise((resolve) => {
    const child = spawn(path, [], {
      // `bare`: only the CNI variables, as `env -i` (no PATH: execvp's default, /bin:/usr/bin)
      env: { ...(bare ? {} : { PATH: process.env.PATH }), CNI_COMMAND: command, CNI_PATH, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    // generous: parallel ADDs of one network wait for each other on a loaded machine
    const timer = setTimeout(() => child.kill("SIGKILL"), 200_000);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(JSON.stringify(conf));
  });
}

const results = new Map(); // "net/id/ifname" → final ADD result (libcni's cache)

/** A conflist ({plugins}) or a single netconf, as libcni runs it. */
async function runNetwork(a) {
  const list = a.conf.plugins ? a.conf : { cniVersion: a.conf.cniVersion, name: a.conf.name, plugins: [a.conf] };
  const env = { CNI_CONTAINERID: a.id ?? "", CNI_NETNS: a.netns ?? "", CNI_IFNAME: a.ifname ?? "eth0", ...(a.env ?? {}) };
  const key = `${list.name}/${a.id}/${a.ifname ?? "eth0"}`;
  const plugins = a.command === "DEL" ? [...list.plugins].reverse() : list.plugins;
  let prev = a.command === "ADD" ? undefined : (a.prevResult ?? results.get(key));
  const calls = [];
  for (const p of plugins) {
    const conf = { ...p, name: list.name, cniVersion: list.cniVersion };
    const caps = p.capabilities ?? {};
    const rc = Object.fromEntries(Object.entries(a.runtimeConfig ?? {}).filter(([k]) => caps[k]));
    if (Object.keys(rc).length) conf.runtimeConfig = rc;
    delete conf.capabilities;
    if (prev !== undefined) conf.prevResult = prev;
    if (a.command === "GC") conf["cni.dev/valid-attachments"] = a.valid ?? [];
    const r = await execPlugin(p.type, a.command, conf, env, a.bare === true);
    let json = null;
    try {
      json = r.stdout.trim() ? JSON.parse(r.stdout) : null;
    } catch {}
    calls.push({ type: p.type, status: r.status, json, stderr: r.stderr });
    if (r.status !== 0 && a.command !== "DEL") break;
    if (a.command === "ADD") prev = json;
  }
  const ok = calls.every((c) => c.status === 0);
  if (a.command === "ADD" && ok) results.set(key, prev);
  if (a.command === "DEL" && ok) results.delete(key);
  return { ok, result: a.command === "ADD" ? prev : null, calls };
}

function ipJson(args) {
  const r = spawnSync("ip", ["-j", ...args], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** The state the drop-in must match: bridge, ports, gateway, containers' addresses and routes. */
function dump(a) {
  const br = a.bridge ?? "cni0";
  const brLink = ipJson(["-d", "addr", "show", "dev", br])[0];
  const ports = ipJson(["-d", "link", "show", "master", br]).map((l) => ({
    kind: l.linkinfo?.info_kind,
    up: l.flags.includes("UP"),
    hairpin: l.linkinfo?.info_slave_data?.hairpin ?? null,
    mtu: l.mtu,
  }));
  const containers = {};
  for (const ns of a.netns ?? []) {
    const pre = ["-n", ns];
    const links = ipJson([...pre, "-d", "addr", "show"]).filter((l) => l.ifname !== "lo");
    containers[ns] = {
      links: links.map((l) => ({
        name: l.ifname,
        kind: l.linkinfo?.info_kind,
        up: l.flags.includes("UP"),
        mtu: l.mtu,
        addrs: (l.addr_info ?? []).filter((x) => x.scope === "global").map((x) => `${x.local}/${x.prefixlen}`),
      })),
      routes: ipJson([...pre, "route", "show"])
        .map((r) => `${r.dst} via=${r.gateway ?? "-"} dev=${r.dev}`)
        .sort(),
    };
  }
  const fwd = spawnSync("sysctl", ["-n", "net.ipv4.ip_forward"], { encoding: "utf8" }).stdout.trim();
  return {
    bridge: brLink
      ? {
          kind: brLink.linkinfo?.info_kind,
          up: brLink.flags.includes("UP"),
          mtu: brLink.mtu,
          addrs: (brLink.addr_info ?? []).filter((x) => x.scope === "global").map((x) => `${x.local}/${x.prefixlen}`),
        }
      : null,
    ports: ports.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    containers,
    ip_forward: fwd,
  };
}

const background = [];
function bg(argv) {
  const child = spawn(argv[0], argv.slice(1), { stdio: "ignore" });
  background.push(child);
  return { pid: child.pid };
}

/** Kills the N-th background process and waits until it is reaped (its pid is free again). */
function kill(n) {
  const child = background[n];
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ killed: child.pid });
  return new Promise((resolve) => {
    child.once("exit", () => resolve({ killed: child.pid }));
    child.kill("SIGKILL");
  });
}

/**
 * PID reuse, for real: a process in this (the sandbox host's) network namespace gets the pid
 * the N-th background process had. The sandbox has its own pid namespace, so its
 * /proc/sys/kernel/ns_last_pid is its own: set to pid-1, the next fork gets pid.
 */
async function reusePid(n) {
  const want = background[n].pid;
  for (let i = 0; i < 20; i++) {
    writeFileSync("/proc/sys/kernel/ns_last_pid", String(want - 1));
    const child = spawn("sleep", ["600"], { stdio: "ignore" });
    background.push(child);
    if (child.pid === want) return { pid: child.pid, reused: true };
    child.kill("SIGKILL");
  }
  return { pid: want, reused: false };
}

function run(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function act(a) {
  // "$bgN" in a netns path: the pid of the N-th background process (/proc/PID/ns/net)
  if (a.command && typeof a.netns === "string") a = { ...a, netns: a.netns.replace(/\$bg(\d+)/g, (_, i) => String(background[Number(i)]?.pid)) };
  if (a.command) return runNetwork(a);
  if (a.netns) return run(["ip", "netns", "add", a.netns]);
  if (a.rmNetns) return run(["ip", "netns", "del", a.rmNetns]);
  if (a.parallel) return Promise.all(a.parallel.map(act));
  if (a.dump) return dump(a.dump);
  if (a.run) return run(a.run);
  if (a.bg) return bg(a.bg);
  if (a.kill !== undefined) return kill(a.kill);
  if (a.reusePid !== undefined) return reusePid(a.reusePid);
  if (a.sleep) return new Promise((r) => setTimeout(() => r({ slept: a.sleep }), Math.min(a.sleep, 2000)));
  throw new Error(`unknown action ${JSON.stringify(a)}`);
}

const out = [];
for (const a of actions) out.push(await act(a));
for (const c of background) c.kill("SIGKILL");
process.stdout.write("\n" + JSON.stringify(out) + "\n");
