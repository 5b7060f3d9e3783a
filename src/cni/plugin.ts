/**
 * nsnet as a CNI plugin: what runs when CNI_COMMAND is set (or `nsnet cni`). Reads the
 * environment and the netconf on stdin, runs the command, prints the result JSON (or the
 * spec's error JSON) on stdout; logs go to stderr. Exit 0 on success, 1 on error.
 * The bridge mode never loads the nsnet compiler; the nsnet form loads it on demand.
 */
import { CNI_CODE, CniError, errorJson } from "./errors.js";
import { readCniEnv, type CniEnv } from "./env.js";
import { parseNetconf, type NetConf } from "./netconf.js";
import { mergeResult, resultForVersion, resultJson } from "./result.js";
import { LATEST_VERSION, versionAtLeast, versionJson } from "./version.js";
import type { ModeContext } from "./common.js";
import type { Mode } from "./mode.js";

export interface PluginIo {
  env: NodeJS.ProcessEnv;
  stdin: () => Promise<string>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** The system's program directories, searched after the runtime's PATH (see processIo). */
const SYSTEM_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** PATH for the plugin's children: the runtime's, then the system's directories it lacks. */
export function pluginPath(path: string | undefined): string {
  const have = (path ?? "").split(":").filter(Boolean);
  return [...have, ...SYSTEM_PATH.filter((d) => !have.includes(d))].join(":");
}

export function processIo(): PluginIo {
  // Runtimes start plugins with minimal environments (`env -i`, PATH=/usr/bin:/bin), where
  // `ip` and `nft` (in /usr/sbin on most systems) would not be found. Only nsnet's own
  // fixed program names are looked up there (the runner allows nothing else).
  process.env.PATH = pluginPath(process.env.PATH);
  return {
    env: process.env,
    stdin: () => readAll(process.stdin),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  };
}

export async function runPlugin(io: PluginIo): Promise<number> {
  let version = LATEST_VERSION;
  try {
    const env = readCniEnv(io.env);
    let text: string;
    try {
      text = await io.stdin();
    } catch (e) {
      throw new CniError(CNI_CODE.ioFailure, `cannot read the network configuration from stdin: ${(e as Error).message}`);
    }
    if (env.command === "VERSION") {
      io.stdout(versionJson(versionOf(text)));
      return 0;
    }
    const conf = parseNetconf(text);
    version = conf.cniVersion;
    if ((env.command === "STATUS" || env.command === "GC") && !versionAtLeast(conf.cniVersion, "1.1.0")) {
      throw new CniError(CNI_CODE.incompatibleVersion, `${env.command} needs cniVersion 1.1.0 or later (got ${conf.cniVersion})`);
    }
    const log = (line: string) => io.stderr(`nsnet cni ${env.command} ${conf.name}: ${line}\n`);
    const verbose = io.env.NSNET_VERBOSE ? (l: string) => io.stderr(l + "\n") : undefined;
    // loaded only now: VERSION and a refused netconf never pay for the process runner
    const { ProcessRunner } = await import("../exec/runner.js");
    const ctx: ModeContext = { runner: new ProcessRunner(verbose), env, processEnv: io.env, log };
    const out = await dispatch(conf, env, ctx);
    if (out !== undefined) io.stdout(out);
    return 0;
  } catch (e) {
    const err = e instanceof CniError ? e : new CniError(CNI_CODE.internal, e instanceof Error ? e.message : String(e));
    io.stdout(errorJson(err, version));
    io.stderr(`nsnet cni: error ${err.code}: ${err.message}: ${err.details}\n`);
    return 1;
  }
}

function versionOf(text: string): string {
  try {
    const v = (JSON.parse(text) as { cniVersion?: unknown }).cniVersion;
    return typeof v === "string" && v ? v : LATEST_VERSION;
  } catch {
    return LATEST_VERSION;
  }
}

export type { Finish, Mode } from "./mode.js";

async function dispatch(conf: NetConf, env: CniEnv, ctx: ModeContext): Promise<string | undefined> {
  if (conf.mode === "bridge") return run((await import("./bridge.js")).bridgeMode, conf, env, ctx);
  return run((await import("./nsnet-form.js")).nsnetMode, conf, env, ctx);
}

async function run<C extends NetConf>(mode: Mode<C>, conf: C, env: CniEnv, ctx: ModeContext): Promise<string | undefined> {
  switch (env.command) {
    case "ADD":
      return mode.add(conf, ctx, (mine) => resultJson(resultForVersion(mergeResult(conf.prevResult, mine, conf.cniVersion), conf.cniVersion)));
    case "DEL":
      return void (await mode.del(conf, ctx));
    case "CHECK":
      return void (await mode.check(conf, ctx));
    case "GC":
      return void (await mode.gc(conf, ctx));
    case "STATUS":
      return void (await mode.status(conf, ctx));
    case "VERSION":
      return versionJson(conf.cniVersion);
  }
}
