import { describe, expect, it } from "vitest";
import { assertSafeArgv, UnsafeArgumentError, ProcessRunner } from "../../src/exec/runner.js";
import { attribute, fanoutArgv, runInPlaces, type PlaceJob } from "../../src/exec/fanout.js";
import { FakeRunner } from "./fake-runner.js";

const DIR = "/run/nsnet/p/batches";
const job = (place: string, ops: number, dumps: number): PlaceJob => ({
  place,
  lines: [...Array.from({ length: ops }, (_, i) => `link set x${i} up`), ...Array.from({ length: dumps }, () => "link show")],
  dumps,
});

describe("attribute: one xargs run cut into per-namespace results", () => {
  it("gives each namespace its dump lines, in the order run", () => {
    const runs = attribute([job("a", 2, 2), job("b", 1, 2)], DIR, { exitCode: 0, stdout: "[1]\n[2]\n[3]\n[4]\n", stderr: "" });
    expect(runs.map((r) => [r.place, r.exitCode, r.stdout, r.attributed])).toEqual([
      ["a", 0, "[1]\n[2]\n", true],
      ["b", 0, "[3]\n[4]\n", true],
    ]);
  });

  it("a failed batch keeps the kernel's words and its line, as if run alone; the others are done", () => {
    const stderr = `RTNETLINK answers: File exists\nCommand failed ${DIR}/b:2\n`;
    const runs = attribute([job("a", 1, 1), job("b", 3, 1), job("c", 1, 1)], DIR, { exitCode: 123, stdout: "[a]\n[c]\n", stderr });
    expect(runs.map((r) => [r.place, r.exitCode, r.stdout, r.stderr])).toEqual([
      ["a", 0, "[a]\n", ""],
      ["b", 1, "", "RTNETLINK answers: File exists\nCommand failed -:2\n"],
      ["c", 0, "[c]\n", ""],
    ]);
  });

  it("a failure among the dumps keeps the dumps printed before it", () => {
    const runs = attribute([job("a", 1, 3), job("b", 1, 1)], DIR, {
      exitCode: 123,
      stdout: "[a1]\n[b]\n",
      stderr: `Dump interrupted\nCommand failed ${DIR}/a:3\n`,
    });
    expect(runs.map((r) => [r.place, r.exitCode, r.stdout])).toEqual([
      ["a", 1, "[a1]\n"],
      ["b", 0, "[b]\n"],
    ]);
  });

  it("a namespace that is gone is named by nsenter", () => {
    const runs = attribute([job("a", 0, 1), job("b", 0, 1)], DIR, {
      exitCode: 123,
      stdout: "[b]\n",
      stderr: "nsenter: cannot open /run/netns/a: No such file or directory\n",
    });
    expect(runs[0]).toMatchObject({ place: "a", exitCode: 1, stderr: "nsenter: cannot open /run/netns/a: No such file or directory\n" });
    expect(runs[1]).toMatchObject({ place: "b", exitCode: 0, stdout: "[b]\n" });
  });

  it("output that does not add up is attributed to no one (the places are read again)", () => {
    const runs = attribute([job("a", 1, 1), job("b", 1, 1)], DIR, { exitCode: 0, stdout: "[a]\n[extra]\n[b]\n", stderr: "" });
    expect(runs.map((r) => [r.exitCode, r.stdout, r.attributed])).toEqual([
      [0, "", false],
      [0, "", false],
    ]);
  });

  it("when xargs stops early or a failure names no one, no namespace is known to be done", () => {
    for (const r of [
      { exitCode: 125, stdout: "", stderr: "xargs: nsenter: terminated by signal 9\n" },
      { exitCode: 123, stdout: "[a]\n", stderr: "nsenter: reassociate to namespace 'ns/net' failed: Invalid argument\n" },
    ]) {
      const runs = attribute([job("a", 1, 1), job("b", 1, 1)], DIR, r);
      expect(runs.map((x) => x.exitCode)).toEqual([1, 1]);
      expect(runs.every((x) => !x.attributed && x.stdout === "" && !/Command failed/.test(x.stderr))).toBe(true);
    }
  });
});

describe("fan-out argv and input", () => {
  it("is the one xargs shape the runner allows, with namespace names on stdin", async () => {
    const xargs = (flags: string[]) => fanoutArgv(DIR, flags, null);
    expect(xargs(["-d", "-j"])[0]).toBe("xargs");
    expect(() => assertSafeArgv(xargs(["-d", "-j"]))).not.toThrow();
    for (const bad of [["xargs", "-I", "{}", "sh", "-c", "{}"], [...xargs([]).slice(0, -1), "/run/../etc/{}"], [...xargs(["-n", "x"])]]) {
      expect(() => assertSafeArgv(bad)).toThrow(UnsafeArgumentError);
    }
    await expect(new ProcessRunner().run(xargs([]), { input: "a\n../b\n" })).rejects.toThrow(UnsafeArgumentError);
  });

  it("or nsnet's perl launcher, given the setns number, the directory and ip's flags only", async () => {
    const perl = (flags: string[], dir = DIR) => fanoutArgv(dir, flags, 308);
    expect(perl(["-d", "-j"]).slice(0, 2)).toEqual(["perl", "-e"]);
    expect(perl(["-d", "-j"]).slice(3)).toEqual(["308", DIR, "-d", "-j"]);
    expect(() => assertSafeArgv(perl(["-d", "-j", "-force"]))).not.toThrow();
    for (const bad of [perl(["-n", "x"]), perl([], "/run/../etc"), perl([], "relative"), [...perl([]).slice(0, 3), "3O8", DIR]]) {
      expect(() => assertSafeArgv(bad)).toThrow(UnsafeArgumentError);
    }
    await expect(new ProcessRunner().run(perl([]), { input: "a\n../b\n" })).rejects.toThrow(UnsafeArgumentError);
  });

  it("writes one batch file per namespace and splits the namespaces among the groups", async () => {
    const seen: string[] = [];
    const r = new FakeRunner((_argv, input) => {
      seen.push(input ?? "");
      const n = (input ?? "").split("\n").filter(Boolean).length;
      return { exitCode: 0, stdout: "[]\n".repeat(n), stderr: "" };
    });
    const jobs = ["a", "b", "c", "d", "e"].map((p) => job(p, 1, 1));
    const runs = await runInPlaces(r, jobs, ["-d", "-j"], { groups: 2 });
    expect(seen).toEqual(["a\nb\n", "c\nd\ne\n"]);
    expect(runs.map((x) => [x.place, x.exitCode, x.stdout])).toEqual(jobs.map((j) => [j.place, 0, "[]\n"]));
  });
});
