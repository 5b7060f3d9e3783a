import { readdir } from "node:fs/promises";
import { StateStore, isValidProjectName } from "../exec/state-store.js";
import { stateRoots } from "./paths.js";
import type { EngineOptions } from "./types.js";

/**
 * Which projects have something applied under a state root: what `down` of an unknown
 * name lists, so a user who mistyped a path or a --project sees the names that exist.
 */
export interface KnownProject {
  name: string;
  /** the script last applied, when the state says */
  script?: string;
}

/** Whether a project holds anything: applied ops, services, or a crashed run's journal. */
export async function projectExists(opts: Pick<EngineOptions, "project" | "stateDir">): Promise<boolean> {
  return (await describe(opts.project, stateRoots(opts.stateDir).state)) !== null;
}

export async function knownProjects(opts: Pick<EngineOptions, "stateDir">): Promise<KnownProject[]> {
  const root = stateRoots(opts.stateDir).state;
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && isValidProjectName(e.name)).map((e) => e.name);
  } catch {
    return [];
  }
  const out: KnownProject[] = [];
  for (const name of names.sort()) {
    const p = await describe(name, root);
    if (p) out.push(p);
  }
  return out;
}

async function describe(name: string, root: string): Promise<KnownProject | null> {
  const store = new StateStore(name, root);
  try {
    const [state, journal] = await Promise.all([store.readState(), store.readJournal()]);
    if (state.applied.length === 0 && state.services.length === 0 && !journal) return null;
    return state.script ? { name, script: state.script } : { name };
  } catch {
    // unreadable state is still a project someone should look at
    return { name };
  }
}
