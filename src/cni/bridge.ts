/**
 * The drop-in bridge mode: ADD, DEL, CHECK, GC and STATUS for the reference `bridge`
 * plugin's netconf with host-local IPAM. Every command holds the network's lock. ADD is a
 * small transaction: the attachment is recorded as pending before the kernel is touched,
 * and a failure undoes what was done (the host veth, which takes its peer with it), frees
 * the address and drops the record; the shared host part (bridge, gateway, masquerade)
 * stays, as the reference leaves it.
 */
import { readFile } from "node:fs/promises";
import { checkContainerSide, checkHostVeth, fail, linkIdentity, openForAdd, removeContainerSide, removeHostVeth, type ModeContext } from "./common.js";
import type { Runner } from "../exec/runner.js";
import { formatIp } from "../ipam/ip.js";
import { CNI_CODE, CniError } from "./errors.js";
import { allocateHostLocal, releaseHostLocal, holders, freeCount, type Allocated } from "./host-local.js";
import { addrsOf, batch, firstLink, HOST_PLACE, readLink, type IpLink } from "./kernel.js";
import { withNetns } from "./netns.js";
import type { BridgeConf } from "./netconf.js";
import { bridgeLines, bridgeProblem, containerLines, gatewayCidrs, masqRuleset, masqTableName, resultRoutes, subnetClash, vethLines } from "./bridge-plan.js";
import type { CniResult } from "./result.js";
import type { Finish, Mode } from "./mode.js";
import { attachmentKey, hostVethName, networkState, readAttachments, withNetworkLock, writeAttachments, type Attachment, type NetworkState } from "./state.js";

function stateOf(conf: BridgeConf, ctx: ModeContext): NetworkState {
  return networkState(conf.name, {
    ...(conf.stateDir ? { stateDir: conf.stateDir } : {}),
    ...(conf.ipam?.dataDir ? { dataDir: conf.ipam.dataDir } : {}),
    env: ctx.processEnv,
  });
}

export async function bridgeAdd(conf: BridgeConf, ctx: ModeContext, finish: Finish): Promise<string> {
  const { env, runner } = ctx;
  const ns = stateOf(conf, ctx);
  // by identity, before anything: a container's network namespace, held open from here on
  const netns = openForAdd(env.netns);
  return withNetns(netns, () =>
    withNetworkLock(ns, async () => {
      const file = await readAttachments(ns, conf.name);
      const key = attachmentKey(env.containerId, env.ifname);
      const existing = file.attachments[key];
      if (existing?.state === "ready") {
        throw fail(`container ${env.containerId} already has ${env.ifname} on network ${conf.name}; DEL it first`);
      }
      // what the host has: the bridge (if any), and the subnets it is connected to, which
      // the network's must not overlap (the bridge would take, say, the LAN gateway's address)
      const hostLinks = await readHostLinks(runner);
      const clash = conf.ipam ? subnetClash(conf.ipam.ranges.flat(), hostLinks, conf.bridge) : null;
      if (clash) throw new CniError(CNI_CODE.invalidNetconf, clash);
      const hostVeth = existing?.hostVeth ?? hostVethName(conf.name, env.containerId, env.ifname);
      if (existing) await removeHostVeth(runner, hostVeth, ns.project); // a crashed ADD's leftovers

      // allocate first (under the lock), so the gateway the bridge needs is known
      let ips: Allocated[] = [];
      if (conf.ipam) {
        const ipam = conf.ipam;
        ips = await ns.allocations.update((s) => {
          const r = allocateHostLocal(ipam.ranges, s, env.containerId, env.ifname);
          return { snapshot: r.snapshot, value: r.ips };
        });
      }
      const record: Attachment = { containerId: env.containerId, ifname: env.ifname, netns: env.netns, netnsId: netns.id, hostVeth, state: "pending" };
      file.attachments[key] = record;
      await writeAttachments(ns, file);

      let vethMade = false;
      try {
        const gateways = conf.isGateway ? gatewayCidrs(ips) : [];
        const brLive = hostLinks.find((l) => l.ifname === conf.bridge);
        const problem = bridgeProblem(conf, brLive, gateways);
        if (problem) throw fail(problem);
        const brLines = bridgeLines(conf, brLive, gateways, ns.project);
        const veth = vethLines(conf, hostVeth, env.ifname, netns.enter, ns.project);
        const host = await batch(runner, HOST_PLACE, [...brLines, ...veth, `link show dev ${conf.bridge}`, `link show dev ${hostVeth}`]);
        vethMade = host.done > brLines.length;
        if (!host.ok) throw fail(host.error);
        const [brNow, vethNow] = [firstLink(host.shown[0]), firstLink(host.shown[1])];

        if (gateways.length) await enableForwarding(runner, ips);
        if (conf.ipMasq && conf.ipam)
          await applyMasq(
            runner,
            ns.project,
            conf.ipam.ranges.flat().map((r) => formatSubnet(r.subnet)),
          );

        const routes = resultRoutes(conf, ips);
        const inCt = await batch(runner, { netns: netns.enter }, [...containerLines(env.ifname, ips, routes), `link show dev ${env.ifname}`]);
        if (!inCt.ok) throw fail(`in ${env.netns}: ${inCt.error}`);
        const ctNow = firstLink(inCt.shown[0]);

        const result: Omit<CniResult, "cniVersion"> = {
          interfaces: [
            { name: conf.bridge, ...(brNow?.address ? { mac: brNow.address } : {}) },
            { name: hostVeth, ...(vethNow?.address ? { mac: vethNow.address } : {}) },
            { name: env.ifname, ...(ctNow?.address ? { mac: ctNow.address } : {}), sandbox: env.netns },
          ],
          ips: ips.map((ip) => ({ address: ip.address, gateway: ip.gateway, interface: 2 })),
          routes,
        };
        if (conf.dns && Object.keys(conf.dns).length) result.dns = conf.dns;
        const text = finish(result);
        const link = linkIdentity(ctNow);
        file.attachments[key] = { ...record, state: "ready", result: { cniVersion: conf.cniVersion, ...result }, ...(link ? { link } : {}) };
        await writeAttachments(ns, file);
        return text;
      } catch (e) {
        // undo: the veth (its container end goes with it), the address, the record
        if (vethMade) await removeHostVeth(runner, hostVeth, ns.project);
        if (conf.ipam) await ns.allocations.update((s) => ({ snapshot: releaseHostLocal(s, env.containerId, env.ifname).snapshot, value: null }));
        delete file.attachments[key];
        await writeAttachments(ns, file);
        throw e;
      }
    }),
  );
}

/** Every link of the host with its addresses (one `ip -j -d addr show`). */
async function readHostLinks(runner: Runner): Promise<IpLink[]> {
  const r = await batch(runner, HOST_PLACE, ["addr show"]);
  if (!r.ok) throw fail(`reading the host's links: ${r.error}`);
  return Array.isArray(r.shown[0]) ? (r.shown[0] as IpLink[]) : [];
}

function formatSubnet(c: { family: 4 | 6; addr: bigint; prefix: number }): string {
  // the range's subnet is already a network block (host-local refuses host bits)
  return `${formatIp(c.family, c.addr)}/${c.prefix}`;
}

async function enableForwarding(runner: Runner, ips: Allocated[]): Promise<void> {
  const keys = [...new Set(ips.map((ip) => (ip.family === 4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding")))];
  const want: string[] = [];
  for (const k of keys) {
    const now = await readFile(`/proc/sys/${k.replace(/\./g, "/")}`, "utf8").catch(() => "");
    if (now.trim() !== "1") want.push(`${k}=1`);
  }
  // through /proc/sys (no `sysctl` process: runtimes run plugins without /usr/sbin on PATH)
  for (const kv of want) {
    const [k, v] = kv.split("=") as [string, string];
    if (runner.writeHostSysctl) await runner.writeHostSysctl(k, v).catch((e: Error) => Promise.reject(fail(e.message)));
    else {
      const r = await runner.run(["sysctl", "-qw", kv]);
      if (r.exitCode !== 0) throw fail(`sysctl ${kv}: ${r.stderr.trim()}`);
    }
  }
}

async function applyMasq(runner: Runner, project: string, subnets: string[]): Promise<void> {
  const r = await runner.run(["nft", "-f", "-"], { input: masqRuleset(project, subnets) });
  if (r.exitCode !== 0) throw fail(`nft (masquerade): ${r.stderr.trim()}`);
}

export async function bridgeDel(conf: BridgeConf, ctx: ModeContext): Promise<void> {
  const { env, runner } = ctx;
  const ns = stateOf(conf, ctx);
  await withNetworkLock(ns, async () => {
    const file = await readAttachments(ns, conf.name);
    const key = attachmentKey(env.containerId, env.ifname);
    const rec = file.attachments[key];
    const hostVeth = rec?.hostVeth ?? hostVethName(conf.name, env.containerId, env.ifname);
    const removed = await removeHostVeth(runner, hostVeth, ns.project);
    // the host end is gone (or was never ours) but the container end may remain: only the
    // interface the ADD made, in the namespace the ADD made it in, is deleted there
    if (!removed && rec) await removeContainerSide(ctx, rec);
    if (conf.ipam) await ns.allocations.update((s) => ({ snapshot: releaseHostLocal(s, env.containerId, env.ifname).snapshot, value: null }));
    if (rec) {
      delete file.attachments[key];
      await writeAttachments(ns, file);
    }
  });
}

/** GC: every attachment and every address whose (container ID, ifname) is not listed goes. */
export async function bridgeGc(conf: BridgeConf, ctx: ModeContext): Promise<void> {
  const ns = stateOf(conf, ctx);
  const valid = new Set((conf.validAttachments ?? []).map((a) => attachmentKey(a.containerID, a.ifname)));
  const errors: string[] = [];
  await withNetworkLock(ns, async () => {
    const file = await readAttachments(ns, conf.name);
    for (const [key, rec] of Object.entries(file.attachments)) {
      if (valid.has(key)) continue;
      try {
        await removeHostVeth(ctx.runner, rec.hostVeth, ns.project);
      } catch (e) {
        errors.push(`${key}: ${(e as Error).message}`);
      }
      delete file.attachments[key];
      ctx.log(`gc: removed attachment ${key}`);
    }
    await writeAttachments(ns, file);
    await ns.allocations.update((s) => {
      let snap = s;
      for (const h of holders(s)) {
        if (valid.has(attachmentKey(h.containerId, h.ifname))) continue;
        const r = releaseHostLocal(snap, h.containerId, h.ifname);
        snap = r.snapshot;
        ctx.log(`gc: released ${r.released.join(", ")} of ${h.containerId}/${h.ifname}`);
      }
      return { snapshot: snap, value: null };
    });
  });
  if (errors.length) throw fail(`gc could not remove everything:\n${errors.join("\n")}`);
}

/** CHECK: the live kernel against what ADD recorded and the runtime's prevResult. */
export async function bridgeCheck(conf: BridgeConf, ctx: ModeContext): Promise<void> {
  const { env, runner } = ctx;
  if (!conf.prevResult) throw new CniError(CNI_CODE.invalidNetconf, "CHECK needs prevResult (the result of the ADD)");
  const ns = stateOf(conf, ctx);
  const problems = await withNetworkLock(ns, async () => {
    const file = await readAttachments(ns, conf.name);
    const rec = file.attachments[attachmentKey(env.containerId, env.ifname)];
    if (!rec || rec.state !== "ready" || !rec.result) return [`no attachment of ${env.containerId}/${env.ifname} is recorded on network ${conf.name}`];
    const out: string[] = [];
    if (rec.netns !== env.netns) out.push(`the attachment was made in ${rec.netns}, not ${env.netns}`);
    const br = await readLink(runner, HOST_PLACE, conf.bridge);
    if (!br) out.push(`bridge ${conf.bridge} is missing`);
    else if (br.linkinfo?.info_kind !== "bridge") out.push(`${conf.bridge} is not a bridge`);
    const ips = rec.result.ips ?? [];
    if (conf.isGateway && br) {
      for (const ip of ips) {
        const gw = `${ip.gateway}/${ip.address.split("/")[1]}`;
        if (ip.gateway && !addrsOf(br).includes(gw)) out.push(`the gateway address ${gw} is missing from ${conf.bridge}`);
      }
    }
    const host = await checkHostVeth(runner, rec.hostVeth, conf.bridge);
    out.push(...host.problems);
    out.push(...(await checkContainerSide(runner, env, rec, host.link, ips, rec.result.routes ?? [])));
    const snap = await ns.allocations.load();
    const held = Object.values(snap.pools).flatMap((p) =>
      Object.entries(p.owners)
        .filter(([k]) => k === `${env.containerId}:${env.ifname}#0`)
        .map(([, v]) => v),
    );
    for (const ip of ips) if (!held.includes(ip.address)) out.push(`address ${ip.address} is no longer reserved for ${env.containerId}/${env.ifname}`);
    if (conf.ipMasq && conf.ipam) {
      const r = await runner.run(["nft", "list", "table", "inet", masqTableName(ns.project)]);
      if (r.exitCode !== 0) out.push(`the masquerade table ${masqTableName(ns.project)} is missing`);
    }
    return out;
  });
  if (problems.length) throw new CniError(CNI_CODE.checkMismatch, problems.join("; "));
}

/** STATUS: ready unless an address pool is exhausted (then ADD could not succeed). */
export async function bridgeStatus(conf: BridgeConf, ctx: ModeContext): Promise<void> {
  if (!conf.ipam) return;
  const snap = await stateOf(conf, ctx).allocations.load();
  conf.ipam.ranges.forEach((set, i) => {
    if (freeCount(set, snap, i) <= 0n) throw new CniError(CNI_CODE.notAvailable, `range set ${i} of network ${conf.name} has no free address`);
  });
}

export const bridgeMode: Mode<BridgeConf> = { add: bridgeAdd, del: bridgeDel, check: bridgeCheck, gc: bridgeGc, status: bridgeStatus };
