import type { NetnsIdentity, ProjectState, ServiceRecord } from "../model/state.js";
import { isValidNsName } from "../model/names.js";
import { HOST } from "../model/topology.js";
import type { Op } from "../plan/op.js";
import { reviveOp } from "../plan/inverse.js";
import { isValidPid } from "./proc.js";

/**
 * The schemas of state.json and journal.json, checked by hand on every read: a file is
 * data that sits on disk where anything may change it. A file that fails is never taken
 * for an empty one (`null` is not "no state"); the problem is named in words, with where
 * in the file it is. The journal type lives here too (the executor writes it).
 */
export const STATE_VERSION = 1;

/** The journal as the executor writes it: the contract's fields plus what recovery needs. */
export interface ExecJournal {
  version: 1;
  project: string;
  startedAt: string;
  /** ops of this transaction that were sent to the kernel (possibly partially done) */
  attempted: Op[];
  /** indexes of ops confirmed done (their batch returned success) */
  done?: number[];
  /** links ("ns:name") and namespaces present before the transaction began: an attempted
   *  `link add` whose link was already there is someone else's, never removed by recovery */
  preexisting?: { links: string[]; namespaces: string[] };
  /** sysctl values read just before this transaction changed them */
  sysctlOriginals?: Record<string, Record<string, string>>;
  /** identities of the namespaces created so far, read right after their batch */
  namespaces?: Record<string, NetnsIdentity>;
  /** services started so far: op index → the process */
  services?: Record<number, ServiceRecord>;
  /** journals of older versions: op index → pid (no identity; such a pid is never signalled) */
  pids?: Record<number, number>;
}

/** What is wrong with a file, in words ("`services[2].pid` is -1, not a process id"). */
export class SchemaError extends Error {}
/** A file written by a newer nsnet: valid for it, not to be touched by us. */
export class NewerVersionError extends SchemaError {}

type Obj = Record<string, unknown>;

const kind = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;

function fail(at: string, v: unknown, want: string): never {
  throw new SchemaError(`\`${at}\` is ${kind(v)}, not ${want}`);
}

function object(v: unknown, at: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(at, v, "an object");
  return v as Obj;
}

function array(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) fail(at, v, "an array");
  return v;
}

function string(v: unknown, at: string): string {
  if (typeof v !== "string") fail(at, v, "a string");
  return v;
}

function strings(v: unknown, at: string): string[] {
  return array(v, at).map((x, i) => string(x, `${at}[${i}]`));
}

function place(v: unknown, at: string): string {
  const s = string(v, at);
  if (s !== HOST && !isValidNsName(s)) fail(at, v, "a namespace name");
  return s;
}

function uint(v: unknown, at: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(at, v, "a whole number");
  return v;
}

const DIGITS = /^\d{1,30}$/;

function identity(v: unknown, at: string): NetnsIdentity {
  const o = object(v, at);
  const id: NetnsIdentity = { ino: uint(o.ino, `${at}.ino`), dev: uint(o.dev, `${at}.dev`) };
  if (o.ctimeNs !== undefined) {
    if (typeof o.ctimeNs !== "string" || !DIGITS.test(o.ctimeNs)) fail(`${at}.ctimeNs`, o.ctimeNs, "a decimal number in text");
    id.ctimeNs = o.ctimeNs;
  }
  return id;
}

function identities(v: unknown, at: string): Record<string, NetnsIdentity> {
  const out: Record<string, NetnsIdentity> = {};
  for (const [k, x] of Object.entries(object(v, at))) {
    if (!isValidNsName(k)) throw new SchemaError(`\`${at}\` names ${JSON.stringify(k)}, not a namespace`);
    out[k] = identity(x, `${at}.${k}`);
  }
  return out;
}

function originals(v: unknown, at: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [ns, kv] of Object.entries(object(v, at))) {
    place(ns, `${at} key`);
    const inner: Record<string, string> = {};
    for (const [k, x] of Object.entries(object(kv, `${at}.${ns}`))) inner[k] = string(x, `${at}.${ns}.${k}`);
    out[ns] = inner;
  }
  return out;
}

export function service(v: unknown, at: string): ServiceRecord {
  const o = object(v, at);
  const s: ServiceRecord = { ns: place(o.ns, `${at}.ns`), argv: strings(o.argv, `${at}.argv`), pid: 0 };
  if (!isValidPid(o.pid)) throw new SchemaError(`\`${at}.pid\` is ${kind(o.pid)}, not a process id nsnet would ever signal (an integer above 1)`);
  s.pid = o.pid;
  if (o.startTime !== undefined) {
    if (typeof o.startTime !== "string" || !DIGITS.test(o.startTime)) fail(`${at}.startTime`, o.startTime, "a start time (clock ticks, in text)");
    s.startTime = o.startTime;
  }
  if (o.netns !== undefined) s.netns = identity(o.netns, `${at}.netns`);
  if (o.mark !== undefined) s.mark = string(o.mark, `${at}.mark`);
  return s;
}

function version(o: Obj, what: string): void {
  if (o.version === STATE_VERSION) return;
  if (typeof o.version === "number" && Number.isInteger(o.version) && o.version > STATE_VERSION) {
    throw new NewerVersionError(`written by a newer nsnet (${what} version ${o.version}; this nsnet reads ${STATE_VERSION})`);
  }
  if (o.version === undefined) throw new SchemaError("`version` is missing");
  fail("version", o.version, `${STATE_VERSION}`);
}

function project(o: Obj, expected: string): string {
  const p = string(o.project, "project");
  if (p !== expected) throw new SchemaError(`it belongs to project ${JSON.stringify(p)}, not ${JSON.stringify(expected)}`);
  return p;
}

function ops(v: unknown, at: string, ctx: { project: string; originals: Record<string, Record<string, string>>; removals: boolean }): Op[] {
  return array(v, at).map((raw, i) => {
    try {
      return reviveOp(raw, ctx);
    } catch (e) {
      throw new SchemaError(`\`${at}[${i}]\` (op ${i + 1}) is not an op nsnet plans (${(e as Error).message})`);
    }
  });
}

/** JSON text → value, with the emptiness and syntax problems in words. */
export function parseJson(text: string): unknown {
  if (text.trim() === "") throw new SchemaError("the file is empty");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new SchemaError(`not valid JSON (${(e as Error).message})`);
  }
}

export function readStateJson(json: unknown, expectedProject: string): ProjectState {
  const o = object(json, "the file");
  version(o, "state");
  const sysctlOriginals = o.sysctlOriginals === undefined ? {} : originals(o.sysctlOriginals, "sysctlOriginals");
  const state: ProjectState = {
    version: 1,
    project: project(o, expectedProject),
    applied: ops(o.applied ?? fail("applied", undefined, "an array"), "applied", { project: expectedProject, originals: sysctlOriginals, removals: false }),
    sysctlOriginals,
    services: o.services === undefined ? [] : array(o.services, "services").map((s, i) => service(s, `services[${i}]`)),
  };
  if (o.script !== undefined) state.script = string(o.script, "script");
  if (o.namespaces !== undefined) state.namespaces = identities(o.namespaces, "namespaces");
  return state;
}

function indexed<T>(v: unknown, at: string, each: (x: unknown, at: string) => T): Record<number, T> {
  const out: Record<number, T> = {};
  for (const [k, x] of Object.entries(object(v, at))) {
    if (!/^[1-9]\d{0,8}$/.test(k)) throw new SchemaError(`\`${at}\` has key ${JSON.stringify(k)}, not an op index`);
    out[Number(k)] = each(x, `${at}.${k}`);
  }
  return out;
}

export function readJournalJson(json: unknown, expectedProject: string): ExecJournal {
  const o = object(json, "the file");
  version(o, "journal");
  const sysctlOriginals = o.sysctlOriginals === undefined ? {} : originals(o.sysctlOriginals, "sysctlOriginals");
  const j: ExecJournal = {
    version: 1,
    project: project(o, expectedProject),
    startedAt: string(o.startedAt, "startedAt"),
    attempted: ops(o.attempted ?? fail("attempted", undefined, "an array"), "attempted", {
      project: expectedProject,
      originals: sysctlOriginals,
      removals: true,
    }),
    sysctlOriginals,
  };
  if (o.done !== undefined) j.done = array(o.done, "done").map((x, i) => uint(x, `done[${i}]`));
  if (o.preexisting !== undefined) {
    const p = object(o.preexisting, "preexisting");
    j.preexisting = { links: strings(p.links, "preexisting.links"), namespaces: strings(p.namespaces, "preexisting.namespaces") };
  }
  if (o.namespaces !== undefined) j.namespaces = identities(o.namespaces, "namespaces");
  if (o.services !== undefined) j.services = indexed(o.services, "services", service);
  if (o.pids !== undefined) {
    j.pids = indexed(o.pids, "pids", (x, at) => {
      if (!isValidPid(x)) throw new SchemaError(`\`${at}\` is ${kind(x)}, not a process id nsnet would ever signal`);
      return x;
    });
  }
  return j;
}
