// Runs INSIDE `nsnet sandbox` (never in the machine's own namespace): executes a list of
// steps — CLI runs, raw commands, state dumps — and prints one JSON line with the results.
// Usage: node steps.mjs '<json: { steps: [Step…] }>', Step one of
//   { run: [...argv], env?, input? }      a command
//   { run, udev: { action, iface } }      a command run as udev's RUN+= runs it: the
//                                         event's properties in the environment
//   { parallel: [Step…] }                 commands started together, awaited together
//   { dump: "name" }                      a normalised picture of the kernel
//   { spawn, pidFrom, alive, patch, write, read }   process and file steps (cli-sandbox.ts)
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";

const { steps } = JSON.parse(process.argv[2]);
const out = { runs: [], dumps: {}, pids: {}, alive: {}, files: {} };

/** `{pid:NAME}` in text, `{ "$pid": NAME, sign }` in JSON values: a spawned process's pid. */
const subst = (a) => a.replace(/\{pid:([\w-]+)\}/g, (_m, n) => String(out.pids[n]));
function value(v) {
  if (v === null || typeof v !== "object") return v;
  if ("$pid" in v) return (v.sign ?? 1) * out.pids[v.$pid];
  if (Array.isArray(v)) return v.map(value);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]));
}

function running(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function ipJson(args) {
  const r = spawnSync("ip", ["-j", ...args], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** A normalised picture of the kernel: what a person would compare by eye. */
function dump() {
  const nss = ipJson(["netns", "list"])
    .map((n) => n.name)
    .sort();
  const places = ["host", ...nss];
  const state = { namespaces: nss, places: {} };
  for (const p of places) {
    const pre = p === "host" ? [] : ["-n", p];
    const links = ipJson([...pre, "-d", "link", "show"])
      .map((l) => ({
        name: l.ifname,
        kind: l.linkinfo?.info_kind ?? l.link_type,
        up: l.flags.includes("UP"),
        master: l.master,
        alias: l.ifalias,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const addrs = ipJson([...pre, "addr", "show"])
      .flatMap((l) => (l.addr_info ?? []).filter((a) => a.scope !== "link" && a.scope !== "host").map((a) => `${l.ifname} ${a.local}/${a.prefixlen}`))
      .sort();
    const routes = [...ipJson([...pre, "route", "show"]), ...ipJson([...pre, "-6", "route", "show"])]
      .filter((r) => r.protocol !== "kernel" && !(r.dst ?? "").startsWith("fe80"))
      .map((r) => `${r.dst} via=${r.gateway ?? "-"} dev=${r.dev}`)
      .sort();
    const proxies = ipJson([...pre, "neigh", "show", "proxy"])
      .map((n) => `${n.dst} dev=${n.dev}`)
      .sort();
    const fwd = spawnSync(
      p === "host" ? "sysctl" : "ip",
      p === "host" ? ["-n", "net.ipv4.ip_forward"] : ["netns", "exec", p, "sysctl", "-n", "net.ipv4.ip_forward"],
      { encoding: "utf8" },
    ).stdout.trim();
    state.places[p] = { links, addrs, routes, proxies, ip_forward: fwd };
  }
  return state;
}

/**
 * The environment systemd-udevd gives a RUN program for a network device: the device's
 * properties. An interface's ifindex is read when it is added and remembered for its
 * removal (the link is gone by then). /sys is not consulted: it shows the namespace it was
 * mounted in, not the sandbox's.
 */
const known = new Map();
let seqnum = 1000;
function udevEnv({ action, iface }) {
  if (action === "add" || !known.has(iface)) {
    const link = ipJson(["link", "show", "dev", iface])[0];
    if (link) known.set(iface, link.ifindex);
  }
  const env = { ACTION: action, SUBSYSTEM: "net", DEVPATH: `/devices/virtual/net/${iface}`, INTERFACE: iface, SEQNUM: String(++seqnum) };
  if (known.has(iface)) env.IFINDEX = String(known.get(iface));
  if (action === "add") env.USEC_INITIALIZED = String(Math.round(performance.now() * 1000));
  return env;
}

const envOf = (s) => ({ ...process.env, ...(s.udev ? udevEnv(s.udev) : {}), ...(s.env ?? {}) });

function runAsync(s) {
  return new Promise((resolve) => {
    const argv = s.run.map(subst);
    const child = spawn(argv[0], argv.slice(1), { env: envOf(s), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ argv, status, stdout, stderr });
    });
  });
}

for (const s of steps) {
  if (s.dump) {
    out.dumps[s.dump] = dump();
  } else if (s.parallel) {
    out.runs.push(...(await Promise.all(s.parallel.map(runAsync))));
  } else if (s.spawn) {
    const child = spawn(s.spawn[0], s.spawn.slice(1), { detached: s.detached ?? true, stdio: "ignore", env: { ...process.env, ...(s.env ?? {}) } });
    child.unref();
    out.pids[s.name] = child.pid;
  } else if (s.pidFrom) {
    let at = JSON.parse(readFileSync(s.pidFrom, "utf8"));
    for (const k of s.at) at = at?.[k];
    out.pids[s.name] = at;
  } else if (s.alive) {
    out.alive[s.as ?? s.alive] = running(out.pids[s.alive]);
  } else if (s.patch) {
    const json = JSON.parse(readFileSync(s.patch, "utf8"));
    let at = json;
    for (const k of s.at.slice(0, -1)) at = at[k];
    at[s.at[s.at.length - 1]] = value(s.value);
    writeFileSync(s.patch, JSON.stringify(json));
  } else if (s.write) {
    if (s.symlink) symlinkSync(s.symlink, s.write);
    else writeFileSync(s.write, subst(s.text ?? ""), { mode: s.mode ?? 0o600 });
  } else if (s.read) {
    out.files[s.as] = existsSync(s.read) ? readFileSync(s.read, "utf8") : null;
  } else {
    const argv = s.run.map(subst);
    const r = spawnSync(argv[0], argv.slice(1), {
      encoding: "utf8",
      timeout: 60_000,
      maxBuffer: 64 << 20,
      env: envOf(s),
      ...(s.input !== undefined ? { input: s.input } : {}),
    });
    out.runs.push({ argv, status: r.status, stdout: r.stdout, stderr: r.stderr });
  }
}
process.stdout.write("\n" + JSON.stringify(out) + "\n");
