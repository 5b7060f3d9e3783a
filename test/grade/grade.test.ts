import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checksOf, compileForGrade } from "../../src/grade/compile.js";
import { gradeToJunit, renderGrade, scoreOf, type GradeReport } from "../../src/grade/report.js";
import { noSpan } from "../../src/model/span.js";

const lab = (name: string, v: string) => readFileSync(`examples/labs/${name}/${v}.nsnet`, "utf8");
const CHECKS = { text: lab("router", "checks"), file: "checks.nsnet" };

describe("grade: a submission with the checks", () => {
  it("the checks as written, with their points", () => {
    expect(checksOf(CHECKS.text, CHECKS.file).map((c) => [c.n, c.text, c.points, c.line])).toEqual([
      [1, "expect h1 reaches h3 via r1", 3, 2],
      [2, "expect h3 reaches h1", 2, 3],
      [3, "expect r1 sysctl net.ipv4.ip_forward = 1", 1, 4],
      [4, "expect h1 route default via 192.0.2.1", 1, 5],
      [5, "expect h3 route default via 198.51.100.1", 1, 6],
    ]);
  });

  it("compiles the submission and the checks together, each with its own lines", () => {
    const g = compileForGrade({ text: lab("router", "solution"), file: "alice.nsnet" }, CHECKS);
    expect(g.errors).toEqual([]);
    expect(g.checks.map((c) => [c.n, c.expectation?.kind, c.expectation?.span.file, c.expectation?.span.start.line, c.problem])).toEqual([
      [1, "reach", "checks.nsnet", 2, undefined],
      [2, "reach", "checks.nsnet", 3, undefined],
      [3, "sysctl", "checks.nsnet", 4, undefined],
      [4, "route", "checks.nsnet", 5, undefined],
      [5, "route", "checks.nsnet", 6, undefined],
    ]);
  });

  it("a check naming what the submission lacks fails alone; the others still run", () => {
    const sub = "ns h1 < veth as eth0 peer h3:eth0; addr 192.0.2.10/24 >\nns h3 < addr 192.0.2.11/24 on eth0 >\n";
    const g = compileForGrade({ text: sub, file: "erin.nsnet" }, CHECKS);
    expect(g.errors).toEqual([]);
    expect(g.checks.map((c) => c.problem ?? c.expectation?.kind)).toEqual(["unknown namespace `r1`", "reach", "unknown namespace `r1`", "route", "route"]);
  });

  it("a submission with errors fails whole, with its first error", () => {
    const g = compileForGrade({ text: "ns h1 <\n", file: "dave.nsnet" }, CHECKS);
    expect(g.errors[0]).toMatchObject({ span: { file: "dave.nsnet" } });
    expect(g.checks.every((c) => c.problem === "the submission does not check")).toBe(true);
  });
});

describe("grade: the class table, JSON and JUnit", () => {
  const report: GradeReport = {
    checksFile: "checks.nsnet",
    checks: [
      { n: 1, text: "expect h1 reaches h3", points: 3 },
      { n: 2, text: "expect r1 sysctl net.ipv4.ip_forward = 1", points: 1 },
    ],
    submissions: [
      { name: "alice", file: "s/alice.nsnet", status: "graded", results: [ok(1, 3), ok(2, 1)], score: 4, max: 4, elapsedMs: 1200 },
      {
        name: "b<o>b\u001b[31m",
        file: "s/bob.nsnet",
        status: "graded",
        results: [
          {
            n: 1,
            ok: false,
            points: 3,
            earned: 0,
            detail: "198.51.100.10 unreachable: h1 → h3: 'h1' has no route",
            reason: {
              code: "NS601",
              severity: "error",
              message: "h1 → h3: 'h1' has no route",
              span: noSpan("s/bob.nsnet"),
              hint: "add `route default via 192.0.2.1` & go",
            },
          },
          ok(2, 1),
        ],
        score: 1,
        max: 4,
        elapsedMs: 900,
      },
      {
        name: "dave",
        file: "s/dave.nsnet",
        status: "check-failed",
        message: "s/dave.nsnet:2:7: block opened here is never closed",
        results: [no(1, 3), no(2, 1)],
        score: 0,
        max: 4,
        elapsedMs: 10,
      },
    ],
  };

  it("one row per submission, the points of each passed check, where points were lost", () => {
    expect(renderGrade(report)).toBe(
      [
        "checks.nsnet: 2 checks, 4 points",
        "  #1  expect h1 reaches h3                      3",
        "  #2  expect r1 sysctl net.ipv4.ip_forward = 1  1",
        "",
        "submission     #1  #2  score",
        "alice           3   1  4/4",
        "b<o>b\\x1b[31m   -   1  1/4",
        "dave            -   -  0/4 (does not check)",
        "",
        "where points were lost:",
        "  b<o>b\\x1b[31m #1: 198.51.100.10 unreachable: h1 → h3: 'h1' has no route",
        "      hint: add `route default via 192.0.2.1` & go",
        "  dave: does not check: s/dave.nsnet:2:7: block opened here is never closed",
        "",
      ].join("\n"),
    );
  });

  it("JUnit: a testsuite per submission, a testcase per check, markup and control characters escaped", () => {
    const x = gradeToJunit(report);
    expect(x).toContain('<testsuites name="nsnet grade checks.nsnet" tests="6" failures="3" time="2.110">');
    expect(x).toContain('<testsuite name="b&lt;o&gt;b\\x1b[31m" tests="2" failures="1" time="0.900">');
    expect(x).toContain('<property name="score" value="1"/><property name="max" value="4"/>');
    expect(x).toContain('type="NS601">h1 → h3: &apos;h1&apos; has no route (s/bob.nsnet:1:1)\nhint: add `route default via 192.0.2.1` &amp; go</failure>');
    expect(x).toContain('<testsuite name="dave" tests="2" failures="0" errors="2"');
    expect(x).toContain('<error message="does not check: s/dave.nsnet:2:7: block opened here is never closed"/>');
    expect(x).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it("a file name with a line break stays on its row", () => {
    const r: GradeReport = {
      checksFile: "c.nsnet",
      checks: [{ n: 1, text: "expect a reaches b", points: 1 }],
      submissions: [
        {
          name: "evil\nname",
          file: "s/evil\nname.nsnet",
          status: "error",
          message: 'unsafe argument: "s/evil\\nname.nsnet"',
          results: [no(1, 1)],
          score: 0,
          max: 1,
          elapsedMs: 1,
        },
      ],
    };
    const text = renderGrade(r);
    expect(text).toContain("evil\\nname   -  0/1 (not run)\n");
    expect(text.split("\n").filter((l) => l.startsWith("name"))).toEqual([]);
  });

  it("scores add the points of passed checks", () => {
    expect(scoreOf([ok(1, 3), no(2, 2)])).toEqual({ score: 3, max: 5 });
  });
});

function ok(n: number, points: number) {
  return { n, ok: true, points, earned: points, detail: "ok" };
}
function no(n: number, points: number) {
  return { n, ok: false, points, earned: 0, detail: "no" };
}
