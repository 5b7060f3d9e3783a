import { readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, join, resolve } from "node:path";
import type { Invocation } from "../invocation.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { entryPath } from "../entry-path.js";
import { engineOptions } from "../engine-options.js";
import { printDiagnostics } from "../output.js";
import { SANDBOX_STATE_DIR, simulatedUplinks } from "./sandbox.js";
import { location } from "../../diagnostics/render.js";
import { down } from "../../engine/down.js";
import { runExpectations } from "../../engine/expect.js";
import { up } from "../../engine/up.js";
import { mapBounded } from "../../exec/bounded.js";
import { ProcessRunner } from "../../exec/runner.js";
import { prepareSandbox, SANDBOX_INNER, sandboxArgv, sandboxEnv } from "../../exec/sandbox.js";
import { projectName } from "../../exec/state-store.js";
import { readScriptFile, ScriptFileError } from "../../expand/fs-loader.js";
import { checksOf, compileForGrade, type GradeCheck } from "../../grade/compile.js";
import { gradeToJson, gradeToJunit, renderGrade, scoreOf, type CheckResult, type GradeReport, type SubmissionResult } from "../../grade/report.js";

/** The inner half's name: `nsnet __grade-inner SUBMISSION CHECKS`, run only by grade itself. */
export const GRADE_INNER = "__grade-inner";
/** the inner half's third word when the submissions' own commands may run */
const ALLOW_COMMANDS = "allow-commands";
/** one submission's sandbox at most this long (a hung service, a script that never settles) */
const SUBMISSION_TIMEOUT_MS = 180_000;

/**
 * `nsnet grade CHECKS.nsnet SUBMISSIONS/ [--json] [--junit FILE]`: every `*.nsnet` in the folder
 * is applied with the checks appended, each in a sandbox of its own (`nsnet sandbox`'s: nothing
 * on this machine is touched, nothing one leaves behind reaches the next), a few at once, and
 * the checks' `expect`s (only theirs: a submission's own do not count) are scored by their
 * points. Prints the class table (or JSON); --junit also writes JUnit XML. A submission's own
 * `exec` and `run in` are refused unless --allow-commands (they would run as root on this
 * machine's files). Exit 0 once grading ran, whatever the scores; 2 usage.
 */
export async function runGrade(inv: Invocation): Promise<number> {
  const [checksArg, dirArg, ...extra] = inv.args;
  if (!checksArg || !dirArg || extra.length) throw new UsageError("expected CHECKS.nsnet SUBMISSIONS/");
  const checksFile = resolve(checksArg);
  let checksText: string;
  try {
    checksText = readScriptFile(checksFile, { regular: true });
  } catch (e) {
    if (e instanceof ScriptFileError) throw new UsageError(e.message);
    throw e;
  }
  const checks = checksOf(checksText, checksArg);
  if (!checks.length) throw new UsageError(`${checksArg} has no expect statement to grade with`);
  let names: string[];
  try {
    names = readdirSync(dirArg).filter((f) => f.endsWith(".nsnet") && resolve(dirArg, f) !== checksFile);
  } catch (e) {
    throw new UsageError(`cannot read ${dirArg}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  names.sort();
  if (!names.length) throw new UsageError(`${dirArg} holds no .nsnet file`);
  const runner = new ProcessRunner();
  const env = await sandboxEnv();
  const jobs = Math.max(1, Math.min(4, availableParallelism()));
  const allow = inv.flags["allow-commands"] === true;
  const submissions = await mapBounded(names, jobs, (name) => gradeOne(runner, env, join(dirArg, name), checksArg, checks, allow));
  const report: GradeReport = { checksFile: checksArg, checks: checks.map(({ n, text, points }) => ({ n, text, points })), submissions };
  if (typeof inv.flags.junit === "string") await writeFile(inv.flags.junit, gradeToJunit(report));
  process.stdout.write(inv.global.json ? gradeToJson(report) : renderGrade(report));
  return EXIT.ok;
}

/** One submission in its own sandbox: the inner half prints one JSON line of results. */
async function gradeOne(
  runner: ProcessRunner,
  env: Record<string, string>,
  file: string,
  checksFile: string,
  checks: GradeCheck[],
  allowCommands: boolean,
): Promise<SubmissionResult> {
  const name = basename(file, ".nsnet");
  const t0 = Date.now();
  const failed = (status: SubmissionResult["status"], message: string): SubmissionResult => {
    const results = checks.map((c) => ({ n: c.n, ok: false, points: c.points, earned: 0, detail: message }));
    return { name, file, status, message, results, ...scoreOf(results), elapsedMs: Date.now() - t0 };
  };
  // the sandbox's inner half is the grade's own (same unshare flags as `nsnet sandbox`)
  // paths as the user gave them (the sandbox keeps the working directory), so messages name
  // files as they know them; one starting with `-` is not read as an option
  const asArg = (p: string) => (p.startsWith("-") ? `./${p}` : p);
  const inner = [asArg(file), asArg(checksFile), ...(allowCommands ? [ALLOW_COMMANDS] : [])];
  const argv = sandboxArgv(inner, entryPath()).map((a) => (a === SANDBOX_INNER ? GRADE_INNER : a));
  let r: Awaited<ReturnType<ProcessRunner["run"]>>;
  try {
    r = await runner.run(argv, { env, timeoutMs: SUBMISSION_TIMEOUT_MS });
  } catch (e) {
    // a name nsnet will not pass to a program (a newline in it): this one is not graded
    return failed("error", e instanceof Error ? e.message : String(e));
  }
  const last = r.stdout.trim().split("\n").pop() ?? "";
  try {
    const got = JSON.parse(last) as Omit<SubmissionResult, "name" | "file" | "elapsedMs">;
    return { name, file, ...got, elapsedMs: Date.now() - t0 };
  } catch {
    const why = r.stderr.trim().split("\n").filter(Boolean).pop() ?? `exit ${r.exitCode}`;
    return failed("error", why);
  }
}

/** Inner half, inside the sandbox: compile with the checks, up, run the checks, down; one JSON line. */
export async function runGradeInner(inv: Invocation): Promise<number> {
  const [file, checksFile] = inv.args;
  if (!file || !checksFile) throw new UsageError("internal command");
  const global = { ...inv.global, project: projectName(file), stateDir: SANDBOX_STATE_DIR };
  const opts = engineOptions(global, file, { progress: false });
  const emit = (r: Omit<SubmissionResult, "name" | "file" | "elapsedMs">) => process.stdout.write(`${JSON.stringify(r)}\n`);
  const allFailed = (checks: GradeCheck[], detail: string): CheckResult[] => checks.map((c) => ({ n: c.n, ok: false, points: c.points, earned: 0, detail }));
  let texts: [string, string];
  try {
    texts = [readScriptFile(file, { regular: true }), readScriptFile(checksFile, { regular: true })];
  } catch (e) {
    if (!(e instanceof ScriptFileError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return EXIT.usage;
  }
  const g = compileForGrade({ text: texts[0], file }, { text: texts[1], file: checksFile });
  if (g.errors.length || !g.compiled.addressed) {
    const first = g.errors[0];
    const message = first ? `${location(first.span)}: ${first.message}` : "the submission does not check";
    if (!inv.global.quiet) printDiagnostics(g.errors, g.compiled.sources, { ...global, json: false });
    const results = allFailed(g.checks, message);
    emit({ status: "check-failed", message, results, ...scoreOf(results) });
    return EXIT.ok;
  }
  const addressed = g.compiled.addressed;
  // A submission is a student's script, run as root: the sandbox keeps its network work
  // apart, but a command (`exec`, `run in`) would run on this machine's files. Only when the
  // teacher says so; the checks' own commands are the teacher's.
  const commands = [...addressed.execs, ...addressed.services].filter((c) => c.span.file !== checksFile);
  if (commands.length && inv.args[2] !== ALLOW_COMMANDS) {
    const c = commands[0]!;
    const message = `${location(c.span)}: runs \`${c.argv[0] ?? ""}\` as root (\`exec\`/\`run in\`); grade with --allow-commands to let submissions run commands`;
    const results = allFailed(g.checks, message);
    emit({ status: "refused", message, results, ...scoreOf(results) });
    return EXIT.ok;
  }
  await prepareSandbox(opts.runner, simulatedUplinks(addressed));
  const applied = await up({ ...g.compiled, addressed: { ...addressed, expects: [] } }, opts);
  if (applied.status !== "ok") {
    const message = applied.failure ? `${applied.failure.op.summary}: ${applied.failure.message.trim()}` : applied.status;
    const results = allFailed(g.checks, message);
    emit({ status: "apply-failed", message, results, ...scoreOf(results) });
    return EXIT.ok;
  }
  try {
    const runnable = g.checks.flatMap((c) => (c.expectation ? [c.expectation] : []));
    const ran = await runExpectations({ ...addressed, expects: runnable }, opts.runner);
    const results: CheckResult[] = g.checks.map((c) => {
      const i = c.expectation ? runnable.indexOf(c.expectation) : -1;
      const r = ran[i];
      if (!r) return { n: c.n, ok: false, points: c.points, earned: 0, detail: `does not apply: ${c.problem ?? "not run"}` };
      return { n: c.n, ok: r.ok, points: c.points, earned: r.ok ? c.points : 0, detail: r.detail, ...(r.reason ? { reason: r.reason } : {}) };
    });
    emit({ status: "graded", results, ...scoreOf(results) });
  } finally {
    await down(opts);
  }
  return EXIT.ok;
}
