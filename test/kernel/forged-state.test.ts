import { describe, expect, it } from "vitest";
import { inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

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
