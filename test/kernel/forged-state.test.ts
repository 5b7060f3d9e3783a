import { describe, expect, it } from "vitest";
import { CLI, inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

// A state file is data nsnet wrote, but it sits on disk where anything may change it: an
// undo is only ever the inverse nsnet itself computes for an op it could have planned.
const BASE = `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
`;

const op = (index: number, phase: string, tool: string, text: string, inverse: { tool: string; text: string } | null) => ({
  index,
  phase,
  tool,
  ns: "host",
  text,
  summary: text,
  inverse: inverse && { ...inverse, ns: "host" },
});

/** An old-format state (text-only ops) whose stored inverses are hostile. */
const FORGED = {
  version: 1,
  project: "forged",
  applied: [
    op(1, "host", "ip", "netns add x1", { tool: "ip", text: "netns del lan" }),
    op(2, "host-routes", "ip", "route add 203.0.113.0/24 dev x1veth", { tool: "ip", text: "link set eth0 down" }),
    op(3, "firewall", "nft", "table inet nsnet_forged {\n}\ndelete table inet nsnet_forged\ntable inet nsnet_forged {\n}\n", {
      tool: "nft",
      text: "flush ruleset\n",
    }),
  ],
  sysctlOriginals: {},
  services: [],
};

/** A crashed run's journal whose removals claim hostile inverses. */
const JOURNAL = {
  version: 1,
  project: "forged",
  startedAt: "2026-01-01T00:00:00.000Z",
  attempted: [
    op(1, "host", "ip", "netns del x2", { tool: "ip", text: "link set eth0 down" }),
    op(2, "host", "ip", "link del x2veth", { tool: "ip", text: "netns del lan" }),
    op(3, "firewall", "nft", "delete table inet nsnet_forged\n", { tool: "nft", text: "flush ruleset\n" }),
  ],
  done: [1, 2, 3],
};

const writeFile = (name: string, json: unknown) => ({
  run: [
    process.execPath,
    "-e",
    `const fs=require("fs");fs.mkdirSync("/run/nsnet/forged",{recursive:true,mode:0o700});fs.writeFileSync("/run/nsnet/forged/${name}",process.argv[1])`,
    JSON.stringify(json),
  ],
});
const writeState = (json: unknown) => writeFile("state.json", json);

describe("a forged state file cannot make down run its own commands", () => {
  it("down keeps eth0 up, namespace lan and other nft tables", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const r = await inSandbox(base, [
      { run: ["nft", "add", "table", "inet", "keepme"] },
      writeState(FORGED),
      nsnet("down", "--project", "forged"),
      { run: ["nft", "list", "tables"] },
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const after = r.dumps.after!;
    expect(after.namespaces).toContain("lan");
    expect(after.places.host!.links.find((l) => l.name === "eth0")?.up).toBe(true);
    expect(r.runs[3]!.stdout).toContain("table inet keepme");
  });

  it("recovery of a forged journal runs no stored inverse either", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const r = await inSandbox(base, [
      { run: ["nft", "add", "table", "inet", "keepme"] },
      writeFile("journal.json", JOURNAL),
      nsnet("down", "--project", "forged"),
      { run: ["nft", "list", "tables"] },
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.runs[2]!.status, r.runs[2]!.stderr).toBe(0);
    // (undoing `netns del x2` re-creates x2: that is the removal's own inverse)
    expect(r.dumps.after!.namespaces).toContain("lan");
    expect(r.dumps.after!.places.host!.links.find((l) => l.name === "eth0")?.up).toBe(true);
    expect(r.runs[3]!.stdout).toContain("table inet keepme");
  });

  it("never runs a state whose ops nsnet never plans: down keeps a copy and goes by the marks", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const bad = {
      ...FORGED,
      applied: [op(1, "firewall", "nft", "flush ruleset\n", { tool: "nft", text: "flush ruleset\n" }), op(2, "host", "ip", "netns add x1", null)],
    };
    const r = await inSandbox(base, [
      { run: ["nft", "add", "table", "inet", "keepme"] },
      writeState(bad),
      nsnet("down", "--project", "forged"),
      { run: ["nft", "list", "tables"] },
    ]);
    expect(r.runs[2]!.status, r.runs[2]!.stderr).toBe(0);
    expect(r.runs[2]!.stderr).toMatch(
      /state\.json: `applied\[0\]` \(op 1\) is not an op nsnet plans .*a copy was kept as .*state\.json\.corrupt-.*; went by the kernel's marks/,
    );
    expect(r.runs[3]!.stdout).toContain("table inet keepme");
  });
});

// Ops nsnet does plan — for some script: an uplink's address, the host's default route, the
// uplink's admin state, a sysctl of the uplink. Read back from a forged state, their undo
// would take the host off its network; it runs only when the script being taken down (or
// the one the state records) plans that very op. (issue 19, item 2)
const HOST_OPS = [
  op(1, "host", "ip", "addr add 198.51.100.2/24 dev eth0", null),
  op(2, "host", "ip", "link set eth0 up", null),
  op(3, "host-routes", "ip", "route add default via 198.51.100.1", null),
  op(4, "sysctl", "sysctl", "net.ipv4.conf.eth0.rp_filter=0", null),
].map(({ inverse: _, ...o }) => o);
const forgedHostState = (extra: Record<string, unknown> = {}, applied = HOST_OPS) => ({
  version: 1,
  project: "forged",
  applied,
  sysctlOriginals: { host: { "net.ipv4.conf.eth0.rp_filter": "2" } },
  services: [],
  ...extra,
});
const RP_FILTER = "/proc/sys/net/ipv4/conf/eth0/rp_filter";

describe("a forged state cannot make down undo host ops on links nsnet does not own", () => {
  it("without a script that plans them: the uplink keeps its address, state, default route and rp_filter", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const r = await inSandbox(base, [
      { run: ["sysctl", "-w", "net.ipv4.conf.eth0.rp_filter=1"] },
      writeState(forgedHostState()),
      nsnet("down", "--project", "forged"),
      { dump: "after" },
      { read: RP_FILTER, as: "rp" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const down = r.runs[2]!;
    expect(down.status, down.stderr).toBe(0);
    const host = r.dumps.after!.places.host!;
    expect(host.addrs).toContain("eth0 198.51.100.2/24");
    expect(host.links.find((l) => l.name === "eth0")?.up).toBe(true);
    expect(host.routes).toContain("default via=198.51.100.1 dev=eth0");
    expect(r.files.rp?.trim()).toBe("1");
    expect(down.stderr).toMatch(/left alone \(not ours\): .*addr add 198\.51\.100\.2\/24 dev eth0.*no script was named, and the state records none/);
    expect(down.stderr).toMatch(/left alone \(not ours\): sysctl net\.ipv4\.conf\.eth0\.rp_filter on host not restored to "2"/);
  });

  it("the script taken down vouches for what it plans, and only that; a recorded script does too, unless others can write it", async () => {
    const base = scriptFile("base.nsnet", BASE);
    // plans the default route (and an address nobody applied), not the uplink's .2 address;
    // (it plans `link set eth0 up` too, as every script with an uplink does: left out here)
    const routeOnly = scriptFile("route.nsnet", "uplink eth0\nhost < addr 198.51.100.9/24 on eth0; route default via 198.51.100.1 >\n");
    const ops = HOST_OPS.filter((o) => o.text !== "link set eth0 up");
    const r = await inSandbox(base, [
      writeState(forgedHostState({}, ops)),
      nsnet("down", "--project", "forged", routeOnly),
      { dump: "named" },
      { run: ["ip", "route", "add", "default", "via", "198.51.100.1"] },
      // the same script recorded in the state, but writable by others: it vouches for nothing
      { run: ["chmod", "666", routeOnly] },
      writeState(forgedHostState({ script: routeOnly }, ops)),
      nsnet("down", "--project", "forged"),
      { dump: "writable" },
      { run: ["chmod", "644", routeOnly] },
      writeState(forgedHostState({ script: routeOnly }, ops)),
      nsnet("down", "--project", "forged"),
      { dump: "recorded" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const i of [1, 5, 8]) expect(r.runs[i]!.status, r.runs[i]!.stderr).toBe(0);
    const named = r.dumps.named!.places.host!;
    expect(named.routes.filter((x) => x.startsWith("default"))).toEqual([]);
    expect(named.addrs).toContain("eth0 198.51.100.2/24");
    expect(r.dumps.writable!.places.host!.routes).toContain("default via=198.51.100.1 dev=eth0");
    expect(r.runs[5]!.stderr).toMatch(/the recorded script .*route\.nsnet is writable by others/);
    const recorded = r.dumps.recorded!.places.host!;
    expect(recorded.routes.filter((x) => x.startsWith("default"))).toEqual([]);
    expect(recorded.addrs).toContain("eth0 198.51.100.2/24");
  });

  it("a forged kernel.core_pattern original is never written (its /proc file is a decoy inside the sandbox)", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const state = {
      version: 1,
      project: "forged",
      applied: [op(1, "sysctl", "sysctl", "kernel.core_pattern=core", null)].map(({ inverse: _, ...o }) => o),
      sysctlOriginals: { host: { "kernel.core_pattern": "|/tmp/pwn %p" } },
      services: [],
    };
    // down runs only once the decoy is in place: the machine's core_pattern is never at risk
    const guarded = [
      "const {spawnSync}=require('child_process'),fs=require('fs');",
      "fs.writeFileSync('/run/decoy','decoy\\n');",
      "const m=spawnSync('mount',['--bind','/run/decoy','/proc/sys/kernel/core_pattern']);",
      "if(m.status!==0||fs.readFileSync('/proc/sys/kernel/core_pattern','utf8')!=='decoy\\n'){console.error('no decoy');process.exit(9)}",
      "const d=spawnSync(process.argv[1],process.argv.slice(2),{encoding:'utf8'});",
      "process.stderr.write(d.stderr);console.log(fs.readFileSync('/proc/sys/kernel/core_pattern','utf8').trim());process.exit(d.status??1)",
    ].join("");
    const r = await inSandbox(base, [writeState(state), { run: [process.execPath, "-e", guarded, process.execPath, CLI, "down", "--project", "forged"] }]);
    expect(r.exitCode, r.stderr).toBe(0);
    const down = r.runs[1]!;
    expect(down.status, down.stderr).toBe(0);
    expect(down.stdout.trim()).toBe("decoy");
  });
});

describe("the script a state records vouches from anywhere", () => {
  it("applied by a relative path, its host route on the uplink is undone by `down --project` run elsewhere", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const rel = scriptFile("rel.nsnet", "uplink eth0\nhost < route 203.0.113.0/24 via 198.51.100.1 >\n");
    const [dir, name] = [rel.slice(0, rel.lastIndexOf("/")), rel.slice(rel.lastIndexOf("/") + 1)];
    const upThere = `process.chdir(${JSON.stringify(dir)});const r=require("child_process").spawnSync(process.argv[1],process.argv.slice(2),{stdio:"inherit"});process.exit(r.status??1)`;
    const r = await inSandbox(base, [
      { run: [process.execPath, "-e", upThere, process.execPath, CLI, "up", name, "--project", "rel"] },
      { dump: "up" },
      { run: [process.execPath, "-e", `process.chdir("/");${upThere.slice(upThere.indexOf(";") + 1)}`, process.execPath, CLI, "down", "--project", "rel"] },
      { dump: "down" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.runs[0]!.status, r.runs[0]!.stderr).toBe(0);
    expect(r.dumps.up!.places.host!.routes).toContain("203.0.113.0/24 via=198.51.100.1 dev=eth0");
    expect(r.runs[1]!.status, r.runs[1]!.stderr).toBe(0);
    expect(r.dumps.down!.places.host!.routes.filter((x) => x.startsWith("203.0.113."))).toEqual([]);
  });
});
