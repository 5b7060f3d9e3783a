import { readFileSync } from "node:fs";
import { checkLive } from "../../src/check/live.js";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { hasErrors, type Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { liveHostGateway } from "../../src/engine/up.js";
import type { AllocationSnapshot } from "../../src/ipam/snapshot.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";
import { emptyProjectState } from "../../src/model/state.js";
import { plan } from "../../src/plan/plan.js";

/**
 * What the kernel and the stores would say, written by hand beside a fixture script as
 * NAME.state.json: a live snapshot (as `ip -j` would show it), the allocations an earlier
 * run left, and the namespaces this project's state records as its own.
 */
export interface FixtureState {
  live?: Partial<LiveState>;
  allocations?: AllocationSnapshot;
  ownedNamespaces?: string[];
}

export const FIXTURE_PROJECT = "fixture";

/**
 * Everything `plan` finds, without the kernel: the front half (parse → expand → allocate →
 * check, `use` read from disk), then — when that has no errors — the live check and the
 * planner against the given snapshot, as `planUp` runs them (src/engine/up.ts). With no
 * state, the snapshot is an empty kernel and there is no earlier run.
 */
export function runScript(text: string, file: string, state: FixtureState = {}): Diagnostic[] {
  const c = compileWithFsLoader(text, file, state.allocations ? { allocations: state.allocations } : {});
  const out = [...c.diagnostics];
  if (hasErrors(out) || !c.addressed) return out;
  const live: LiveState = { ...emptyLiveState(), ...state.live };
  const owned = state.ownedNamespaces ?? [];
  const liveDiags = checkLive(c.addressed, live, { project: FIXTURE_PROJECT, ownedNamespaces: owned });
  out.push(...liveDiags);
  if (hasErrors(liveDiags)) return out;
  const gw = liveHostGateway(live);
  const planned = plan(c.addressed, live, {
    project: FIXTURE_PROJECT,
    previous: emptyProjectState(FIXTURE_PROJECT),
    ownedNamespaces: new Set(owned),
    ...(gw ? { hostGateway: gw } : {}),
  });
  return [...out, ...planned.diagnostics];
}

/** A fixture file through runScript, with its NAME.state.json when there is one. */
export function runFixture(path: string): Diagnostic[] {
  const sidecar = path.replace(/\.nsnet$/, ".state.json");
  let state: FixtureState = {};
  try {
    state = JSON.parse(readFileSync(sidecar, "utf8")) as FixtureState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  return runScript(readFileSync(path, "utf8"), path, state);
}

/** A fixture's `# expect: CODE LINE:COL` lines, sorted. */
export function expectedOf(text: string): string[] {
  return [...text.matchAll(/^#\s*expect:\s*(NS\d{3})\s+(\d+):(\d+)\s*$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`).sort();
}

export const foundIn = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`).sort();
