// Runs INSIDE `nsnet sandbox` (never in the machine's own namespace): executes a list of
// steps — CLI runs, raw commands, state dumps — and prints one JSON line with the results.
// Usage: node steps.mjs '<json: { steps: [{ run: [...argv], env?, input? } | { dump: "name" }] }>'
import { spawnSync } from "node:child_process";

const { steps } = JSON.parse(process.argv[2]);
const out = { runs: [], dumps: {} };

function ipJson(args) {
  const r = spawnSync("ip", ["-j", ...args], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** A normalised picture of the kernel: what a person would compare by eye. */
function dump() {
  const nss = ipJson(["netns", "list"]).map((n) => n.name).sort();
  const places = ["host", ...nss];
  const state = { namespaces: nss, places: {} };
  for (const p of places) {
    const pre = p === "host" ? [] : ["-n", p];
    const links = ipJson([...pre, "-d", "link", "show"]).map((l) => ({
      name: l.ifname,
      kind: l.linkinfo?.info_kind ?? l.link_type,
      up: l.flags.includes("UP"),
      master: l.master,
      alias: l.ifalias,
    })).sort((a, b) => a.name.localeCompare(b.name));
    const addrs = ipJson([...pre, "addr", "show"]).flatMap((l) =>
      (l.addr_info ?? []).filter((a) => a.scope !== "link" && a.scope !== "host").map((a) => `${l.ifname} ${a.local}/${a.prefixlen}`)).sort();
    const routes = [...ipJson([...pre, "route", "show"]), ...ipJson([...pre, "-6", "route", "show"])]
      .filter((r) => r.protocol !== "kernel" && !(r.dst ?? "").startsWith("fe80"))
      .map((r) => `${r.dst} via=${r.gateway ?? "-"} dev=${r.dev}`).sort();
    const proxies = ipJson([...pre, "neigh", "show", "proxy"]).map((n) => `${n.dst} dev=${n.dev}`).sort();
    const fwd = spawnSync(p === "host" ? "sysctl" : "ip", p === "host" ? ["-n", "net.ipv4.ip_forward"] : ["netns", "exec", p, "sysctl", "-n", "net.ipv4.ip_forward"], { encoding: "utf8" }).stdout.trim();
    state.places[p] = { links, addrs, routes, proxies, ip_forward: fwd };
  }
  return state;
}

for (const s of steps) {
  if (s.dump) {
    out.dumps[s.dump] = dump();
    continue;
  }
  const r = spawnSync(s.run[0], s.run.slice(1), { encoding: "utf8", timeout: 60_000, maxBuffer: 64 << 20, env: { ...process.env, ...(s.env ?? {}) }, ...(s.input !== undefined ? { input: s.input } : {}) });
  out.runs.push({ argv: s.run, status: r.status, stdout: r.stdout, stderr: r.stderr });
}
process.stdout.write("\n" + JSON.stringify(out) + "\n");
