import { execa } from "execa";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, repo, scriptFile } from "./cli-sandbox.js";

/**
 * The CNI tests' runtime: inside `nsnet sandbox BASE`, scenarios/cni-runtime.mjs creates
 * /run/netns/ctrN and runs CNI plugins with the CNI environment, threading prevResult
 * through a conflist as libcni does, and prints what happened as one JSON line.
 * BASE gives the sandbox an uplink eth0 (198.51.100.2) to a `lan` router (198.51.100.1).
 * The sandbox's host is the runtime's (and the plugin's) network namespace: "the host" below.
 */
export const BASE = `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
`;
const RUNTIME = join(repo, "test/kernel/scenarios/cni-runtime.mjs");

export type Json = Record<string, any>;
export interface Call {
  type: string;
  status: number;
  json: Json | null;
  stderr: string;
}
export interface NetRun {
  ok: boolean;
  result: Json | null;
  calls: Call[];
}
export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** The seed's conflist (examples/cni-bridge.conflist) with its subnet in a documentation range. */
export function seedConflist(type: string): Json {
  const c = JSON.parse(readFileSync(join(repo, "examples/cni-bridge.conflist"), "utf8"));
  c.plugins[0].type = type;
  c.plugins[0].ipam.subnet = "192.0.2.0/24";
  return c;
}

export async function runtime(actions: Json[], base = BASE, timeoutMs = 240_000): Promise<any[]> {
  const file = scriptFile("base.nsnet", base);
  const sandbox = [process.execPath, CLI, "sandbox", file, "--quiet", "--", process.execPath, RUNTIME, JSON.stringify({ cli: CLI, actions })];
  // Its own pid namespace with its own /proc, whose PID 1 (the sandbox's outer half) sits in
  // a private network namespace of its own: /proc/1/ns/net in a test is never the machine's,
  // a pid can be reused on purpose (ns_last_pid), and nothing started outlives the test.
  const r = await execa("unshare", ["--net", "--pid", "--fork", "--mount-proc", "--", ...sandbox], {
    reject: false,
    timeout: timeoutMs,
    detached: true,
  });
  const last = String(r.stdout).trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`the runtime harness printed no JSON (exit ${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  }
}

export const ipsOf = (r: NetRun): string[] => (r.result?.ips ?? []).map((i: Json) => i.address);
