/**
 * What every netconf form shares: the context a command runs in, and the kernel reads and
 * removals DEL, CHECK and GC need for an attachment (a host veth marked as this network's,
 * an interface in the container's namespace, its addresses and routes).
 */
import { stat } from "node:fs/promises";
import type { Runner } from "../exec/runner.js";
import { ownerAlias } from "../model/state.js";
import { CNI_CODE, CniError } from "./errors.js";
import type { CniEnv } from "./env.js";
import { addrsOf, batch, firstLink, HOST_PLACE, placeArgv, readLink, type IpLink } from "./kernel.js";
import type { IpConfig, ResultRoute } from "./result.js";

export interface ModeContext {
  runner: Runner;
  env: CniEnv;
  processEnv: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export async function netnsExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export const fail = (details: string) => new CniError(CNI_CODE.internal, details);

/** Deletes the host veth when it carries this network's mark (never someone else's link). */
export async function removeHostVeth(runner: Runner, hostVeth: string, project: string): Promise<boolean> {
  const live = await readLink(runner, HOST_PLACE, hostVeth);
  if (!live || live.ifalias !== ownerAlias(project)) return false;
  const r = await batch(runner, HOST_PLACE, [`link del ${hostVeth}`]);
  return r.ok;
}

export async function missingRoutes(runner: Runner, env: CniEnv, routes: ResultRoute[], gateways: string[]): Promise<string[]> {
  if (routes.length === 0) return [];
  const out: string[] = [];
  const live: { dst: string; gateway?: string }[] = [];
  for (const fam of [4, 6] as const) {
    if (!routes.some((r) => r.dst.includes(":") === (fam === 6))) continue;
    const r = await runner.run(placeArgv({ netns: env.netns }, ["ip", ...(fam === 6 ? ["-6"] : []), "-j", "route", "show", "dev", env.ifname]));
    if (r.exitCode === 0 && r.stdout.trim()) live.push(...(JSON.parse(r.stdout) as { dst: string; gateway?: string }[]));
  }
  for (const r of routes) {
    const dst = r.dst === "0.0.0.0/0" || r.dst === "::/0" ? "default" : r.dst;
    const gw = r.gw ?? gateways.find((g) => g.includes(":") === r.dst.includes(":"));
    if (!live.some((l) => (l.dst === dst || l.dst === r.dst) && (gw === undefined || l.gateway === gw)))
      out.push(`route ${r.dst}${gw ? ` via ${gw}` : ""} is missing in ${env.netns}`);
  }
  return out;
}

/** The container end: present in the namespace, a veth, peer of the host end, with its addresses and routes. */
export async function checkContainerSide(
  runner: Runner,
  env: CniEnv,
  hostVeth: IpLink | undefined,
  hostVethName: string,
  ips: IpConfig[],
  routes: ResultRoute[],
): Promise<string[]> {
  const out: string[] = [];
  if (!(await netnsExists(env.netns))) return [`network namespace ${env.netns} is gone`];
  const ct = await batch(runner, { netns: env.netns }, [`addr show dev ${env.ifname}`]);
  const link: IpLink | undefined = ct.ok ? firstLink(ct.shown[0]) : undefined;
  if (!link) return [`${env.ifname} is missing in ${env.netns}`];
  if (link.linkinfo?.info_kind !== "veth") out.push(`${env.ifname} in ${env.netns} is not a veth`);
  if (hostVeth && link.link_index !== undefined && hostVeth.ifindex !== undefined && link.link_index !== hostVeth.ifindex) {
    out.push(`${env.ifname} in ${env.netns} is not the peer of ${hostVethName}`);
  }
  const have = addrsOf(link);
  for (const ip of ips) if (!have.includes(ip.address)) out.push(`address ${ip.address} is missing from ${env.ifname}`);
  out.push(
    ...(await missingRoutes(
      runner,
      env,
      routes,
      ips.map((i) => i.gateway).filter((g): g is string => !!g),
    )),
  );
  return out;
}

/** The host end: present, up, and (when given) a port of `bridge`. */
export async function checkHostVeth(runner: Runner, name: string, bridge: string | undefined): Promise<{ link: IpLink | undefined; problems: string[] }> {
  const link = await readLink(runner, HOST_PLACE, name);
  if (!link) return { link, problems: [`host veth ${name} is missing`] };
  const problems: string[] = [];
  if (bridge !== undefined && link.master !== bridge) problems.push(`host veth ${name} is not a port of ${bridge} (master: ${link.master ?? "none"})`);
  if (!(link.flags ?? []).includes("UP")) problems.push(`host veth ${name} is down`);
  return { link, problems };
}
