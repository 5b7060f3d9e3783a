/**
 * What every netconf form shares: the context a command runs in, and the kernel reads and
 * removals DEL, CHECK and GC need for an attachment (a host veth marked as this network's,
 * an interface in the container's namespace, its addresses and routes).
 */
import type { Runner } from "../exec/runner.js";
import { ownerAlias } from "../model/state.js";
import { CNI_CODE, CniError } from "./errors.js";
import type { CniEnv } from "./env.js";
import { addrsOf, batch, firstLink, HOST_PLACE, placeArgv, readLink, type IpLink, type Place } from "./kernel.js";
import { openNetns, withNetns, type OpenNetns } from "./netns.js";
import type { IpConfig, ResultRoute } from "./result.js";
import type { Attachment } from "./state.js";

export interface ModeContext {
  runner: Runner;
  env: CniEnv;
  processEnv: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/**
 * CNI_NETNS for ADD, held open: it must exist (error 3) and be a network namespace that is
 * neither nsnet's own nor PID 1's (error 4). Checked before anything is created.
 */
export function openForAdd(path: string): OpenNetns {
  const r = openNetns(path);
  if (r.ok) return r.ns;
  if (r.gone) throw new CniError(CNI_CODE.unknownContainer, `network namespace ${path} does not exist`);
  throw new CniError(CNI_CODE.invalidEnvironment, `CNI_NETNS: ${r.why}`);
}

/** The container's interface as ADD read it back: what DEL may delete and CHECK expects. */
export function linkIdentity(l: IpLink | undefined): Attachment["link"] {
  return l?.ifindex !== undefined && l.address ? { ifindex: l.ifindex, mac: l.address } : undefined;
}

function sameLink(l: IpLink, want: NonNullable<Attachment["link"]>): boolean {
  return l.ifindex === want.ifindex && l.address === want.mac;
}

export const fail = (details: string) => new CniError(CNI_CODE.internal, details);

/** Deletes the host veth when it carries this network's mark (never someone else's link). */
export async function removeHostVeth(runner: Runner, hostVeth: string, project: string): Promise<boolean> {
  const live = await readLink(runner, HOST_PLACE, hostVeth);
  if (!live || live.ifalias !== ownerAlias(project)) return false;
  const r = await batch(runner, HOST_PLACE, [`link del ${hostVeth}`]);
  return r.ok;
}

/**
 * DEL's container side, for when the host end was not there to take its peer along: the
 * recorded interface, in the recorded namespace, is deleted — anything else is left alone
 * and the log says so (DEL still succeeds: the spec wants it idempotent).
 */
export async function removeContainerSide(ctx: ModeContext, rec: Attachment): Promise<void> {
  const { env, runner, log } = ctx;
  if (!env.netns) return;
  const leave = (why: string) => log(`left alone: ${env.ifname} in ${env.netns}: ${why}`);
  if (!rec.netnsId || !rec.link) return leave("the attachment was recorded without the namespace's and the interface's identity");
  const open = openNetns(env.netns, rec.netnsId);
  if (!open.ok) return open.gone ? undefined : leave(open.why);
  await withNetns(open.ns, async (ns) => {
    const place: Place = { netns: ns.enter };
    const live = await readLink(runner, place, env.ifname);
    if (!live) return;
    if (!sameLink(live, rec.link!))
      return leave(
        `it is not the interface the ADD made (ifindex ${live.ifindex}, MAC ${live.address}; the ADD made ifindex ${rec.link!.ifindex}, MAC ${rec.link!.mac})`,
      );
    const r = await batch(runner, place, [`link del ${env.ifname}`]);
    if (!r.ok) log(`could not delete ${env.ifname} in ${env.netns}: ${r.error}`);
  });
}

async function missingRoutes(runner: Runner, env: CniEnv, place: Place, routes: ResultRoute[], gateways: string[]): Promise<string[]> {
  if (routes.length === 0) return [];
  const out: string[] = [];
  const live: { dst: string; gateway?: string }[] = [];
  for (const fam of [4, 6] as const) {
    if (!routes.some((r) => r.dst.includes(":") === (fam === 6))) continue;
    const r = await runner.run(placeArgv(place, ["ip", ...(fam === 6 ? ["-6"] : []), "-j", "route", "show", "dev", env.ifname]));
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

/** The container end: in the recorded namespace, the recorded interface, a veth, peer of
 *  the host end, with its addresses and routes. */
export async function checkContainerSide(
  runner: Runner,
  env: CniEnv,
  rec: Attachment,
  hostVeth: IpLink | undefined,
  ips: IpConfig[],
  routes: ResultRoute[],
): Promise<string[]> {
  if (!rec.netnsId) return [`the attachment was recorded without the identity of its namespace: ${env.netns} cannot be checked`];
  const open = openNetns(env.netns, rec.netnsId);
  if (!open.ok) return [open.gone ? `network namespace ${env.netns} is gone` : open.why];
  return withNetns(open.ns, async (ns) => {
    const out: string[] = [];
    const place: Place = { netns: ns.enter };
    const ct = await batch(runner, place, [`addr show dev ${env.ifname}`]);
    const link: IpLink | undefined = ct.ok ? firstLink(ct.shown[0]) : undefined;
    if (!link) return [`${env.ifname} is missing in ${env.netns}`];
    // by ifindex only: a chained plugin (tuning's "mac") may change the MAC after the ADD
    if (rec.link && link.ifindex !== rec.link.ifindex) out.push(`${env.ifname} in ${env.netns} is not the interface the ADD made`);
    if (link.linkinfo?.info_kind !== "veth") out.push(`${env.ifname} in ${env.netns} is not a veth`);
    if (hostVeth && link.link_index !== undefined && hostVeth.ifindex !== undefined && link.link_index !== hostVeth.ifindex) {
      out.push(`${env.ifname} in ${env.netns} is not the peer of ${rec.hostVeth}`);
    }
    const have = addrsOf(link);
    for (const ip of ips) if (!have.includes(ip.address)) out.push(`address ${ip.address} is missing from ${env.ifname}`);
    const gateways = ips.map((i) => i.gateway).filter((g): g is string => !!g);
    out.push(...(await missingRoutes(runner, env, place, routes, gateways)));
    return out;
  });
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
