/**
 * The CNI environment (CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS,
 * CNI_PATH), validated before anything of it reaches argv or batch text. Pure.
 */
import { validateIfName } from "../model/names.js";
import { CNI_CODE, CniError } from "./errors.js";

export type CniCommand = "ADD" | "DEL" | "CHECK" | "VERSION" | "STATUS" | "GC";
const COMMANDS: readonly CniCommand[] = ["ADD", "DEL", "CHECK", "VERSION", "STATUS", "GC"];

export interface CniEnv {
  command: CniCommand;
  containerId: string;
  /** absolute path of the container's network namespace ("" when the runtime gave none) */
  netns: string;
  ifname: string;
  args: Record<string, string>;
  path: string[];
}

/** The spec's container ID rule: alphanumeric first, then alphanumerics, `_`, `.`, `-`. */
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export { validateNetnsPath } from "../model/names.js";
import { validateNetnsPath } from "../model/names.js";

const need: Record<CniCommand, readonly ("CNI_CONTAINERID" | "CNI_NETNS" | "CNI_IFNAME")[]> = {
  ADD: ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"],
  CHECK: ["CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME"],
  DEL: ["CNI_CONTAINERID", "CNI_IFNAME"],
  VERSION: [],
  STATUS: [],
  GC: [],
};

export function readCniEnv(env: NodeJS.ProcessEnv): CniEnv {
  const raw = (env.CNI_COMMAND ?? "").trim();
  if (!(COMMANDS as readonly string[]).includes(raw)) {
    throw new CniError(CNI_CODE.invalidEnvironment, `CNI_COMMAND=${JSON.stringify(raw)}: expected one of ${COMMANDS.join(", ")}`);
  }
  const command = raw as CniCommand;
  const missing = need[command].filter((k) => !env[k]);
  if (missing.length) throw new CniError(CNI_CODE.invalidEnvironment, `${missing.join(", ")} must be set for ${command}`);

  const containerId = env.CNI_CONTAINERID ?? "";
  if (containerId && !CONTAINER_ID.test(containerId)) {
    throw new CniError(
      CNI_CODE.invalidEnvironment,
      `CNI_CONTAINERID=${JSON.stringify(containerId)}: must start with a letter or digit, then letters, digits, _ . -`,
    );
  }
  const netns = env.CNI_NETNS ?? "";
  if (netns) {
    const why = validateNetnsPath(netns);
    if (why) throw new CniError(CNI_CODE.invalidEnvironment, `CNI_NETNS=${JSON.stringify(netns)}: ${why}`);
  }
  const ifname = env.CNI_IFNAME ?? "";
  if (ifname) {
    const why = validateIfName(ifname);
    if (why) throw new CniError(CNI_CODE.invalidEnvironment, `CNI_IFNAME=${JSON.stringify(ifname)} is not a valid interface name: ${why}`);
  }
  return { command, containerId, netns, ifname, args: parseCniArgs(env.CNI_ARGS ?? ""), path: (env.CNI_PATH ?? "").split(":").filter(Boolean) };
}

/** `FOO=BAR;ABC=123` → { FOO: "BAR", ABC: "123" }. */
export function parseCniArgs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(";")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CniError(CNI_CODE.invalidEnvironment, `CNI_ARGS: ${JSON.stringify(pair)} is not KEY=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
