import type { CompiledWithAllocations } from "../engine/compile.js";
import { describeExpectation } from "../engine/expect.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Expectation } from "../model/topology.js";
import { compileSession } from "../repl/compile-session.js";
import { parse } from "../syntax/parse.js";

/**
 * A submission with the checks appended, compiled together (each keeps its own file and
 * lines). A check that does not apply to this submission — it names a namespace the student
 * never made — is that check failed, not the submission: its statement is blanked (lines kept)
 * and the rest compiled again. Errors in the submission itself fail it whole. Pure but for
 * the files a `use` reads.
 */
export interface GradeCheck {
  /** 1, 2, … in the checks file's order */
  n: number;
  text: string;
  points: number;
  line: number;
  expectation?: Expectation;
  /** why it cannot be run on this submission (the error at it) */
  problem?: string;
}

export interface GradeInput {
  compiled: CompiledWithAllocations;
  checks: GradeCheck[];
  /** errors in the submission (or a file it uses): nothing can run */
  errors: Diagnostic[];
}

const MAX_ROUNDS = 50;

/** The checks as written (one per `expect` of the checks file), for a table's header even
 *  when nothing compiles. */
export function checksOf(checksText: string, checksFile: string): GradeCheck[] {
  const lines = checksText.split("\n");
  const out: GradeCheck[] = [];
  for (const st of parse(checksText, checksFile).script.body) {
    if (st.type !== "Expect") continue;
    const line = st.span.start.line;
    const text = (lines[line - 1] ?? "").replace(/#.*$/, "").trim();
    const points = st.points?.type === "Number" ? st.points.value : 1;
    out.push({ n: out.length + 1, text: text.replace(/\s+points\s+\S+$/, ""), points, line });
  }
  return out;
}

export function compileForGrade(sub: { text: string; file: string }, checks: { text: string; file: string }): GradeInput {
  const all = checksOf(checks.text, checks.file);
  const lines = checks.text.split("\n");
  const problems = new Map<number, string>();
  let compiled!: CompiledWithAllocations;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    compiled = compileSession([
      { text: sub.text, file: sub.file, line: 1, column: 1 },
      { text: lines.join("\n"), file: checks.file, line: 1, column: 1 },
    ]);
    const errors = compiled.diagnostics.filter((d) => d.severity === "error");
    const inChecks = errors.filter((d) => d.span.file === checks.file);
    const elsewhere = errors.filter((d) => d.span.file !== checks.file);
    if (elsewhere.length) return { compiled, checks: all.map((c) => ({ ...c, problem: "the submission does not check" })), errors: elsewhere };
    if (!inChecks.length) break;
    // blank every statement of the checks file an error points into (its lines stay, empty)
    const stmts = parse(lines.join("\n"), checks.file).script.body;
    for (const d of inChecks) {
      const st = stmts.find((s) => s.span.start.line <= d.span.start.line && d.span.start.line <= s.span.end.line);
      const from = st?.span.start.line ?? d.span.start.line;
      const to = st?.span.end.line ?? from;
      if (!problems.has(from)) problems.set(from, d.message);
      for (let l = from; l <= to; l++) lines[l - 1] = "";
    }
  }
  const expects = compiled.addressed?.expects.filter((e) => e.span.file === checks.file) ?? [];
  const checksOut = all.map((c) => {
    const e = expects.find((x) => x.span.start.line === c.line);
    if (e) return { ...c, text: describeExpectation(e).replace(/^expect /, "expect "), points: e.points ?? 1, expectation: e };
    return { ...c, problem: problems.get(c.line) ?? "not run" };
  });
  return { compiled, checks: checksOut, errors: [] };
}
