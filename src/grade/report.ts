import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { location, visible } from "../diagnostics/render.js";

/**
 * `nsnet grade`'s results and their three renderings: the class table a teacher reads, JSON
 * for scripts, and JUnit XML for CI and learning-management tools. Pure.
 */
export interface CheckResult {
  n: number;
  ok: boolean;
  points: number;
  /** points if ok, else 0 */
  earned: number;
  detail: string;
  /** the path walk's finding, when a ping failed for a reason it names */
  reason?: Diagnostic;
}

export interface SubmissionResult {
  /** the file's name without `.nsnet` */
  name: string;
  file: string;
  /** graded: the checks ran; check-failed: the submission has errors; apply-failed: `up`
   *  failed and was rolled back; refused: it runs commands (`exec`, `run in`) and grade was
   *  not told to allow that; error: it could not be run at all (unreadable, timed out) */
  status: "graded" | "check-failed" | "apply-failed" | "refused" | "error";
  /** why it was not graded (the first error, the kernel's message) */
  message?: string;
  results: CheckResult[];
  score: number;
  max: number;
  elapsedMs: number;
}

export interface GradeReport {
  checksFile: string;
  checks: { n: number; text: string; points: number }[];
  submissions: SubmissionResult[];
}

export function scoreOf(results: readonly CheckResult[]): { score: number; max: number } {
  return { score: results.reduce((a, r) => a + r.earned, 0), max: results.reduce((a, r) => a + r.points, 0) };
}

/** Text from a file name or a program on one line of the table: controls, line breaks and
 *  tabs shown escaped (a file name may hold a newline). */
function line(text: string): string {
  return visible(text).replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
}

const STATUS_TEXT: Record<Exclude<SubmissionResult["status"], "graded">, string> = {
  "check-failed": "does not check",
  "apply-failed": "up failed",
  refused: "refused",
  error: "not run",
};

function table(rows: string[][], right: ReadonlySet<number>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? "")].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The class table: one row per submission, one column per check (its points when passed). */
export function renderGrade(g: GradeReport): string {
  const max = g.checks.reduce((a, c) => a + c.points, 0);
  const out: string[] = [`${line(g.checksFile)}: ${g.checks.length} check${g.checks.length === 1 ? "" : "s"}, ${max} point${max === 1 ? "" : "s"}`];
  out.push(
    table(
      g.checks.map((c) => [`  #${c.n}`, line(c.text), `${c.points}`]),
      new Set([2]),
    ),
  );
  const header = ["submission", ...g.checks.map((c) => `#${c.n}`), "score"];
  const rows = g.submissions.map((s) => [
    line(s.name),
    ...g.checks.map((c) => {
      const r = s.results.find((x) => x.n === c.n);
      return r?.ok ? `${r.earned}` : "-";
    }),
    `${s.score}/${s.max}${s.status === "graded" ? "" : ` (${STATUS_TEXT[s.status]})`}`,
  ]);
  out.push("", table([header, ...rows], new Set(g.checks.map((_, i) => i + 1))));
  const lost: string[] = [];
  for (const s of g.submissions) {
    if (s.status !== "graded") {
      lost.push(`  ${line(s.name)}: ${STATUS_TEXT[s.status]}: ${line(s.message ?? "")}`);
      continue;
    }
    for (const r of s.results) {
      if (r.ok) continue;
      lost.push(`  ${line(s.name)} #${r.n}: ${line(r.detail)}`);
      if (r.reason?.hint) lost.push(`      hint: ${line(r.reason.hint)}`);
    }
  }
  if (lost.length) out.push("", "where points were lost:", ...lost);
  return out.join("\n") + "\n";
}

export function gradeToJson(g: GradeReport): string {
  return JSON.stringify(g, null, 2) + "\n";
}

/** XML text: markup escaped, and what XML 1.0 cannot hold (control characters) shown escaped. */
function xml(text: string): string {
  return visible(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** JUnit XML: a testsuite per submission, a testcase per check; score and max as properties. */
export function gradeToJunit(g: GradeReport): string {
  const secs = (ms: number) => (ms / 1000).toFixed(3);
  const failures = (s: SubmissionResult) => s.results.filter((r) => !r.ok).length;
  const all = g.submissions.reduce((a, s) => a + s.results.length, 0);
  const failed = g.submissions.reduce((a, s) => a + failures(s), 0);
  const time = g.submissions.reduce((a, s) => a + s.elapsedMs, 0);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${xml(`nsnet grade ${g.checksFile}`)}" tests="${all}" failures="${failed}" time="${secs(time)}">`,
  ];
  for (const s of g.submissions) {
    const error = s.status === "graded" ? "" : ` errors="${s.results.length}"`;
    lines.push(
      `  <testsuite name="${xml(s.name)}" tests="${s.results.length}" failures="${s.status === "graded" ? failures(s) : 0}"${error} time="${secs(s.elapsedMs)}">`,
    );
    lines.push(
      `    <properties><property name="score" value="${s.score}"/><property name="max" value="${s.max}"/><property name="file" value="${xml(s.file)}"/></properties>`,
    );
    for (const r of s.results) {
      const c = g.checks.find((x) => x.n === r.n);
      const name = xml(`#${r.n} ${c?.text ?? ""} (${r.points} point${r.points === 1 ? "" : "s"})`);
      const open = `    <testcase classname="${xml(s.name)}" name="${name}"`;
      if (r.ok) lines.push(`${open}/>`);
      else if (s.status !== "graded") lines.push(`${open}><error message="${xml(`${STATUS_TEXT[s.status]}: ${s.message ?? ""}`)}"/></testcase>`);
      else {
        const body = r.reason ? `${r.reason.message} (${location(r.reason.span)})${r.reason.hint ? `\nhint: ${r.reason.hint}` : ""}` : r.detail;
        lines.push(`${open}><failure message="${xml(r.detail)}"${r.reason ? ` type="${xml(r.reason.code)}"` : ""}>${xml(body)}</failure></testcase>`);
      }
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return lines.join("\n") + "\n";
}
