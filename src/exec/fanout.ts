import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Runner, RunResult } from "./runner.js";
import { assertSafeBatchText, isValidNsName } from "./runner.js";
import { PLACE_LAUNCHER } from "./enter-script.js";
import { NETNS_RUN_DIR, perlOnPath, placeConcurrency, setnsSyscall } from "./enter.js";

/**
 * One `ip -batch` in each of many namespaces, spawned by a few `xargs` processes instead
 * of one process each from nsnet. Node forks its whole (large) process for every spawn and
 * waits until the child has exec'd; xargs is small and does not. Each xargs runs its share
 * of the namespaces one after the other — `nsenter --net=/run/netns/NS -- ip FLAGS -batch
 * DIR/NS` — so its output is in order and can be cut back into per-namespace results:
 *
 * - a batch that fails names itself: ip says `Command failed DIR/NS:LINE` (and nsenter
 *   `cannot open /run/netns/NS`), after the kernel's words for it;
 * - every dump line prints exactly one JSON line and op lines print nothing, so a batch
 *   printed as many lines as it has dump lines before its end (or before the failed one).
 *   Should the total not add up, no output is attributed and the caller reads again.
 *
 * The per-namespace results look like a direct run's (`Command failed -:LINE`), so the
 * executor interprets both alike.
 */
export interface PlaceJob {
  /** a named namespace (never the host) */
  place: string;
  lines: string[];
  /** how many of `lines` are dumps (at the end; each prints one line) */
  dumps: number;
}

export interface PlaceRun extends RunResult {
  place: string;
  /** false when the output could not be attributed: stdout is then empty */
  attributed: boolean;
}

/** Below this many namespaces, one process each is as cheap. */
export const FANOUT_FROM = 8;

/** The argv that runs `ip FLAGS -batch DIR/NS` in each namespace named on its stdin: nsnet's
 *  launcher (enter-script.ts: the ops it knows sent over netlink itself, else one exec of
 *  ip) where perl runs, else xargs + nsenter (two execs). Both say the same things, and
 *  `attribute` reads either. */
export function fanoutArgv(dir: string, flags: readonly string[], launcher: number | null = (perlOnPath() && setnsSyscall()) || null): string[] {
  if (launcher !== null) return ["perl", "-e", PLACE_LAUNCHER, String(launcher), dir, ...flags];
  return ["xargs", "-d", "\\n", "-I", "{}", "nsenter", `--net=${NETNS_RUN_DIR}/{}`, "--", "ip", ...flags, "-batch", `${dir}/{}`];
}

export interface FanoutOptions {
  /** where the batch files go (a fresh private temp dir when absent); emptied afterwards */
  dir?: string;
  groups?: number;
  /** the setns number for nsnet's launcher, or null for xargs + nsenter (default: the launcher where perl runs; tests compare the two) */
  launcher?: number | null;
}

export async function runInPlaces(runner: Runner, jobs: readonly PlaceJob[], flags: readonly string[], opts: FanoutOptions = {}): Promise<PlaceRun[]> {
  if (jobs.length === 0) return [];
  const own = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "nsnet-batches-")));
  try {
    if (!own) await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const j of jobs) {
      if (!isValidNsName(j.place)) throw new Error(`internal: fan-out to ${JSON.stringify(j.place)}`);
      const text = j.lines.join("\n") + "\n";
      assertSafeBatchText(text);
      await writeFile(join(dir, j.place), text, { mode: 0o600 });
      if (runner.note) {
        runner.note(`  ${join(dir, j.place)}:`);
        for (const l of j.lines) runner.note(`  | ${l}`);
      }
    }
    const groups = Math.max(1, Math.min(opts.groups ?? placeConcurrency(), jobs.length));
    const shares = Array.from({ length: groups }, (_, g) => jobs.slice(Math.floor((g * jobs.length) / groups), Math.floor(((g + 1) * jobs.length) / groups)));
    const runs = await Promise.all(
      shares.map(async (share) => {
        const r = await runner.run(opts.launcher === undefined ? fanoutArgv(dir, flags) : fanoutArgv(dir, flags, opts.launcher), {
          input: share.map((j) => j.place).join("\n") + "\n",
        });
        return attribute(share, dir, r);
      }),
    );
    return runs.flat();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Cuts one xargs run's output into the results of its namespaces (in the order run). When
 * xargs itself gave up, or something failed that does not say where, no namespace without
 * its own failure is known to be done: each gets the run's error and no line (a caller
 * then assumes any of its ops may have run).
 */
export function attribute(share: readonly PlaceJob[], dir: string, r: RunResult): PlaceRun[] {
  const byPlace = new Map(share.map((j) => [j.place, { failedAt: null as number | null, stderr: [] as string[] }]));
  let pending: string[] = [];
  for (const line of r.stderr.split("\n")) {
    if (line === "") continue;
    const failed = /^Command failed (.*):(\d+)$/.exec(line);
    const place = failed ? (failed[1]!.startsWith(`${dir}/`) ? failed[1]!.slice(dir.length + 1) : undefined) : nsenterPlace(line);
    const p = place === undefined ? undefined : byPlace.get(place);
    if (!p) {
      pending.push(line);
      continue;
    }
    p.failedAt = failed ? Number(failed[2]) : 0;
    p.stderr.push(...pending, failed ? `Command failed -:${failed[2]}` : line);
    pending = [];
  }
  // xargs: 0 all ran and succeeded, 123 some exited 1–125; anything else: it stopped early
  const marked = [...byPlace.values()].some((p) => p.failedAt !== null);
  const uncertain = !(r.exitCode === 0 || (r.exitCode === 123 && marked)) || pending.length > 0;
  const why = [...pending, r.exitCode === 0 || r.exitCode === 123 ? "" : `xargs exited with ${r.exitCode}`].filter(Boolean).join("\n");
  // what ip printed: all dump lines of a batch that got through, those before its failed line
  const printed = share.map((j) => {
    const p = byPlace.get(j.place)!;
    if (p.failedAt === null) return j.dumps;
    const ops = j.lines.length - j.dumps;
    return Math.max(0, Math.min(j.dumps, p.failedAt - 1 - ops));
  });
  const out = r.stdout.split("\n").filter((l) => l.trim() !== "");
  const attributed = !uncertain && out.length === printed.reduce((a, b) => a + b, 0);
  let at = 0;
  return share.map((j, i) => {
    const p = byPlace.get(j.place)!;
    const mine = attributed ? out.slice(at, at + printed[i]!) : [];
    at += printed[i]!;
    if (p.failedAt === null && uncertain) {
      return { place: j.place, exitCode: 1, stdout: "", stderr: `${why || "a batch failed without saying where"}\n`, attributed: false };
    }
    return {
      place: j.place,
      exitCode: p.failedAt === null ? 0 : 1,
      stdout: mine.length ? mine.join("\n") + "\n" : "",
      stderr: p.stderr.length ? p.stderr.join("\n") + "\n" : "",
      attributed,
    };
  });
}

/** The namespace an nsenter complaint is about (`nsenter: cannot open /run/netns/NS: …`). */
function nsenterPlace(line: string): string | undefined {
  const m = new RegExp(`^nsenter: .*${NETNS_RUN_DIR}/([A-Za-z0-9_][A-Za-z0-9_.-]*)`).exec(line);
  return m?.[1];
}
