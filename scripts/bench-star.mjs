#!/usr/bin/env node
// One measurement of the apply benchmark, inside a fresh sandbox (bench-apply.mjs runs this
// under `unshare --mount --net`): builds "star N" one WAY, times it, verifies the result
// (untimed) and prints one JSON line. Star N: bridge br0 with 2001:db8:100::1/64, N
// namespaces c1…cN, each with a veth c<i>_veth0 ↔ eth0 on br0, an address from the pool,
// lo up and a default route via the bridge — the same workload for every way.
// Usage (from bench-apply.mjs only): bench-star.mjs WAY N BIN
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [way, nArg, bin] = process.argv.slice(2);
const n = Number(nArg);
const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const work = "/run/bench";

const { prepareSandbox } = await import(join(dist, "exec/sandbox.js"));
const { ProcessRunner } = await import(join(dist, "exec/runner.js"));
await prepareSandbox(new ProcessRunner(), []); // refuses to run outside a private netns
mkdirSync(work, { recursive: true });

const GW = "2001:db8:100::1";
const addr = (i) => `2001:db8:100::${(i + 1).toString(16)}`;
const range = (k) => Array.from({ length: k }, (_, i) => i + 1);

/** Wall time of a child process, in ms; rejects on a non-zero exit. */
function timed(argv, { onLine, ...opts } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const c = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], ...opts });
    let out = "";
    let err = "";
    c.stdout.on("data", (b) => {
      const from = out.length;
      out += b;
      if (onLine)
        for (const l of out
          .slice(out.lastIndexOf("\n", from - 1) + 1)
          .split("\n")
          .slice(0, -1))
          onLine(l);
    });
    c.stderr.on("data", (b) => (err += b));
    c.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${argv.join(" ")}: exit ${code}\n${err.slice(-2000)}`));
      else resolve({ ms, out, err });
    });
  });
}

const sh = (file, lines) => {
  writeFileSync(file, ["set -e", ...lines, ""].join("\n"));
  return ["bash", file];
};

function ipJson(args, ns) {
  const argv = ns ? ["nsenter", `--net=/run/netns/${ns}`, "--", "ip", "-j", ...args] : ["ip", "-j", ...args];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** The star is there: br0 with its address and N ports up; in each namespace lo and eth0 up,
 *  an address of the pool (exactly ::i+1 when `exact`), a default route via the bridge. */
function verifyStar(exact) {
  const links = ipJson(["link", "show"]);
  const br = links.find((l) => l.ifname === "br0");
  if (!br || !br.flags.includes("UP")) return "br0 missing or down";
  const ports = links.filter((l) => l.master === "br0" && l.flags.includes("UP"));
  if (ports.length !== n) return `br0 has ${ports.length} ports up, expected ${n}`;
  const brAddrs = ipJson(["addr", "show", "dev", "br0"]).flatMap((l) => l.addr_info.map((a) => `${a.local}/${a.prefixlen}`));
  if (!brAddrs.includes(`${GW}/64`)) return "br0 lacks its address";
  const nss = ipJson(["netns", "list"]).map((x) => x.name);
  if (nss.length !== n) return `${nss.length} namespaces, expected ${n}`;
  for (const i of range(n)) {
    const ns = `c${i}`;
    const a = ipJson(["addr", "show"], ns);
    const lo = a.find((l) => l.ifname === "lo");
    const eth = a.find((l) => l.ifname === "eth0");
    if (!lo?.flags.includes("UP") || !eth?.flags.includes("UP")) return `${ns}: lo or eth0 not up`;
    const v6 = eth.addr_info.filter((x) => x.family === "inet6" && x.local.startsWith("2001:db8:100:")).map((x) => x.local);
    if (exact ? !v6.includes(addr(i)) : v6.length !== 1) return `${ns}: address ${v6.join(",") || "missing"}`;
    const routes = ipJson(["-6", "route", "show", "default"], ns);
    if (!routes.some((r) => r.gateway === GW)) return `${ns}: no default route via ${GW}`;
  }
  return true;
}

/** Nothing of the star left (its host veth ends go with the namespaces, a moment later). */
function settle() {
  for (let i = 0; i < 3000; i++) {
    const left = ipJson(["link", "show"]).filter((l) => l.ifname !== "lo").length + ipJson(["netns", "list"]).length;
    if (left === 0) return true;
    spawnSync("sleep", ["0.01"]);
  }
  return "links or namespaces left after 30 s";
}

const handHost = () => [
  "link add br0 type bridge",
  `addr add ${GW}/64 dev br0`,
  "link set br0 up",
  ...range(n).flatMap((i) => [
    `netns add c${i}`,
    `link add c${i}_veth0 type veth peer name eth0 netns c${i}`,
    `link set c${i}_veth0 master br0`,
    `link set c${i}_veth0 up`,
  ]),
];
const handNs = (i) => ["link set lo up", `addr add ${addr(i)}/64 dev eth0`, "link set eth0 up", `route add default via ${GW}`];
const handDown = () => [...range(n).map((i) => `netns del c${i}`), "link del br0"];

const ways = {
  /** What a person writes: one host batch, then one `ip -n cI -batch` per namespace. */
  async hand() {
    writeFileSync(`${work}/host.batch`, handHost().join("\n") + "\n");
    for (const i of range(n)) writeFileSync(`${work}/c${i}.batch`, handNs(i).join("\n") + "\n");
    const build = await timed(sh(`${work}/hand.sh`, [`ip -batch ${work}/host.batch`, `for i in $(seq 1 ${n}); do ip -n c$i -batch ${work}/c$i.batch; done`]));
    const verified = verifyStar(true);
    writeFileSync(`${work}/down.batch`, handDown().join("\n") + "\n");
    const down = await timed(["ip", "-batch", `${work}/down.batch`]);
    const t0 = process.hrtime.bigint();
    const settled = settle();
    const downSettled = down.ms + Number(process.hrtime.bigint() - t0) / 1e6;
    return {
      build_ms: build.ms,
      down_ms: down.ms,
      down_settled_ms: downSettled,
      verified: verified === true && settled === true ? true : `${verified} / ${settled}`,
    };
  },

  /** The naive script: one `ip` per command. */
  async naive() {
    const lines = [...handHost().map((l) => `ip ${l}`), ...range(n).flatMap((i) => handNs(i).map((l) => `ip -n c${i} ${l}`))];
    const build = await timed(sh(`${work}/naive.sh`, lines));
    return { build_ms: build.ms, verified: verifyStar(true) };
  },

  /** nsnet's installed binary: up, up again (nothing to do), down. */
  async nsnet() {
    const file = `${work}/star.nsnet`;
    writeFileSync(
      file,
      [
        `pool p 2001:db8:100::/64`,
        `bridge br0 < addr ${GW}/64 >`,
        `for i in 1..${n} <`,
        `  ns c$i < veth to br0; addr auto from p; route default via ${GW} >`,
        `>`,
        "",
      ].join("\n"),
    );
    const cli = (...args) => [
      "/usr/bin/time",
      "-f",
      "%M",
      "-o",
      `${work}/rss`,
      process.execPath,
      bin,
      ...args,
      file,
      "--state-dir",
      `${work}/state`,
      "--quiet",
    ];
    const rss = () => Number(readFileSync(`${work}/rss`, "utf8").trim().split("\n").pop());
    const build = await timed(cli("up"));
    const rssKb = rss();
    const verified = verifyStar(true);
    const noop = await timed(cli("up", "--json"));
    const noopOps = JSON.parse(noop.out).ops;
    const noopRss = rss();
    const down = await timed(cli("down"));
    const downRss = rss();
    const gone = settle(); // down waits for its veths itself: this finds nothing left
    return {
      build_ms: build.ms,
      noop_ms: noop.ms,
      down_ms: down.ms,
      rss_kb: Math.max(rssKb, noopRss, downRss),
      verified: verified === true && noopOps === 0 && gone === true ? true : `${verified} / no-op ops ${noopOps} / ${gone}`,
    };
  },

  /** The reference CNI plugins, as a runtime calls them: per container, its netns, then
   *  loopback, then bridge (+ host-local IPAM), with the same network. */
  async cni() {
    const plugins = "/usr/lib/cni";
    const br = {
      cniVersion: "1.0.0",
      name: "bench",
      type: "bridge",
      bridge: "br0",
      isGateway: true,
      ipam: { type: "host-local", ranges: [[{ subnet: "2001:db8:100::/64", gateway: GW }]], routes: [{ dst: "::/0" }], dataDir: `${work}/cni-ipam` },
    };
    writeFileSync(`${work}/br.json`, JSON.stringify(br));
    writeFileSync(`${work}/lo.json`, JSON.stringify({ cniVersion: "1.0.0", name: "lo", type: "loopback" }));
    const call = (ifname, conf) =>
      `CNI_COMMAND=ADD CNI_CONTAINERID=c$i CNI_NETNS=/run/netns/c$i CNI_IFNAME=${ifname} CNI_PATH=${plugins} ${plugins}/${conf} < ${work}/${conf === "bridge" ? "br" : "lo"}.json > /dev/null`;
    const build = await timed(
      sh(`${work}/cni.sh`, [`for i in $(seq 1 ${n}); do`, "  ip netns add c$i", `  ${call("lo", "loopback")}`, `  ${call("eth0", "bridge")}`, "done"]),
    );
    return { build_ms: build.ms, verified: verifyStar(false) };
  },

  /** Mininet, LinuxBridge switch, no controller (bench-mininet.py): timed from its start
   *  (interpreter and imports included, as nsnet's start-up is) to its "built" line. */
  async mininet() {
    let builtMs;
    const t0 = process.hrtime.bigint();
    const r = await timed(["/usr/bin/python3", join(here, "bench-mininet.py"), String(n)], {
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
      onLine: (line) => {
        if (line === "built" && builtMs === undefined) builtMs = Number(process.hrtime.bigint() - t0) / 1e6;
      },
    });
    const last = JSON.parse(r.out.trim().split("\n").pop());
    return { build_ms: builtMs, verified: last.verified };
  },
};

const fn = ways[way];
if (!fn) throw new Error(`unknown way ${way}`);
const res = await fn();
process.stdout.write(JSON.stringify({ way, n, ...res }) + "\n");
