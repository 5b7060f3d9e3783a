import { describe, it, expect } from "vitest";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { HistoryFile, escapeEntry, parseHistory } from "../../src/repl/history.js";

const dir = () => mkdtempSync(join(tmpdir(), "nsnet-hist-"));

describe("REPL history file", () => {
  it("two REPLs open at once: a shorter line after a longer one never leaves the longer's tail (node's writer did)", () => {
    const f = join(dir(), "history");
    const a = HistoryFile.open(f);
    const b = HistoryFile.open(f);
    expect(a.add("h1: sysctl -w net.ipv4.ip_forward=1")).toBe(true);
    expect(b.add("ping h1 h3")).toBe(true);
    expect(a.add("h1: ip route add default via 192.0.2.1")).toBe(true);
    expect(readFileSync(f, "utf8")).toBe("h1: sysctl -w net.ipv4.ip_forward=1\nping h1 h3\nh1: ip route add default via 192.0.2.1\n");
    expect(HistoryFile.open(f).entries).toEqual(["h1: sysctl -w net.ipv4.ip_forward=1", "ping h1 h3", "h1: ip route add default via 192.0.2.1"]);
    expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it("many writers in separate processes: every record whole", () => {
    const f = join(dir(), "history");
    // each child appends 200 lines of its own letter, long enough to cross buffer sizes
    const script = `const fs=require("fs");const f=process.argv[1];const c=process.argv[2];for(let i=0;i<200;i++){const fd=fs.openSync(f,fs.constants.O_WRONLY|fs.constants.O_APPEND|fs.constants.O_CREAT,0o600);fs.writeSync(fd,Buffer.from(c.repeat(300)+i+"\\n"));fs.closeSync(fd)}`;
    const kids = ["a", "b", "c"].map((c) => `node -e '${script}' ${f} ${c}`);
    execFileSync("sh", ["-c", `${kids.map((k) => `${k} &`).join(" ")} wait`]);
    HistoryFile.open(f).add("last");
    const entries = parseHistory(readFileSync(f, "utf8"));
    expect(entries).toHaveLength(601);
    for (const e of entries.slice(0, -1)) expect(e).toMatch(/^(a{300}|b{300}|c{300})\d+$/);
  });

  it("multi-line entries and backslashes round-trip; the cap compacts to the newest", () => {
    const f = join(dir(), "history");
    const h = HistoryFile.open(f, 5);
    h.add("ns h1 <\n  veth pair\n>");
    h.add("a\\nb");
    expect(HistoryFile.open(f).entries).toEqual(["ns h1 <\n  veth pair\n>", "a\\nb"]);
    expect(escapeEntry("a\\nb")).toBe("a\\\\nb");
    for (let i = 0; i < 12; i++) h.add(`line ${i}`);
    const kept = parseHistory(readFileSync(f, "utf8"));
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept.slice(-3)).toEqual(["line 9", "line 10", "line 11"]);
  });

  it("a symlink or a FIFO as the history file is neither read nor written", () => {
    const d = dir();
    const target = join(d, "secret");
    writeFileSync(target, "secret\n");
    const link = join(d, "history");
    symlinkSync(target, link);
    const h = HistoryFile.open(link);
    expect(h.entries).toEqual([]);
    expect(h.add("x")).toBe(false);
    expect(readFileSync(target, "utf8")).toBe("secret\n");
    const fifo = join(d, "fifo");
    execFileSync("mkfifo", [fifo]);
    expect(HistoryFile.open(fifo).entries).toEqual([]);
    expect(HistoryFile.open(fifo).add("x")).toBe(false);
  });
});
