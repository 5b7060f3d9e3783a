/**
 * nsnet's own netconf form:
 *   "script":    nsnet source for the shared host part (bridges, pools, nat, namespaces of
 *                the node) — applied through the engine on every ADD, idempotently (after
 *                the first ADD it plans 0 ops);
 *   "container": the body of the container's namespace, with $ifname, $containerid and
 *                $netns bound, e.g. `veth as $ifname to cni0; addr auto from pods;
 *                route default via 10.22.0.1`.
 * The body is compiled together with the script as `ns cXXXXXXXX < BODY >` (an alias
 * derived from the container ID and ifname), so it is checked against the script's
 * bridges and pools and its `addr auto` draws from the script's pools; the addresses of
 * the other containers are reserved in those pools first, so each ADD only adds its own.
 * The container part must make exactly one interface, CNI_IFNAME: a veth whose other end
 * is in the host (plain or a port of a host bridge) — that is what a CNI interface plugin
 * does. Its addresses, routes and sysctls are applied in CNI_NETNS through nsenter.
 */
import { createHash } from "node:crypto";
import { parse } from "../syntax/parse.js";
import { expand } from "../expand/expand.js";
import { makeFsLoader, readScriptFile, ScriptFileError } from "../expand/fs-loader.js";
import { allocate } from "../ipam/allocate.js";
import { parseOwnerKey } from "../ipam/owner.js";
import type { AllocationSnapshot } from "../ipam/snapshot.js";
import { check } from "../check/check.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { compileWithFsLoader } from "../cli/compile-file.js";
import { up } from "../engine/up.js";
import { ownerAlias } from "../model/state.js";
import { HOST, type AddressedTopology, type VethDevice } from "../model/topology.js";
import { CNI_CODE, CniError } from "./errors.js";
import { checkContainerSide, checkHostVeth, fail, linkIdentity, openForAdd, removeContainerSide, removeHostVeth, type ModeContext } from "./common.js";
import { batch, firstLink, HOST_PLACE } from "./kernel.js";
import { withNetns, type OpenNetns } from "./netns.js";
import { sysctlWriteIn } from "./sysctl.js";
import type { NsnetConf } from "./netconf.js";
import type { Finish, Mode } from "./mode.js";
import type { CniResult, IpConfig, ResultRoute } from "./result.js";
import { attachmentKey, networkState, readAttachments, withNetworkLock, writeAttachments, type Attachment, type NetworkState } from "./state.js";

const invalid = (details: string) => new CniError(CNI_CODE.invalidNetconf, details);

/** The container's namespace in the compiled script: `c` + 8 hex digits (a valid, short ns name). */
export function containerAlias(network: string, containerId: string, ifname: string): string {
  return `c${createHash("sha256").update(`${network}\0${containerId}\0${ifname}`).digest("hex").slice(0, 8)}`;
}
const ALIAS_RE = /^c[0-9a-f]{8}$/;

function stateOf(conf: NsnetConf, ctx: ModeContext): NetworkState {
  return networkState(conf.name, { ...(conf.stateDir ? { stateDir: conf.stateDir } : {}), env: ctx.processEnv });
}

/** The netconf's script: inline, or read from scriptFile — read as a `use`d file is: a
 *  regular `.nsnet` file (and what any symlink leads to, too) under the script size cap,
 *  checked before it is read, so a FIFO or /dev/zero named there cannot hang the plugin or
 *  fill its memory, and no other file (/etc/shadow) comes back quoted in an error that
 *  runtimes copy into pod events. */
export function scriptText(conf: NsnetConf): string {
  if (conf.script || !conf.scriptFile.startsWith("/")) return conf.script;
  try {
    return readScriptFile(conf.scriptFile, { used: true });
  } catch (e) {
    if (!(e instanceof ScriptFileError)) throw e;
    throw invalid(`scriptFile ${conf.scriptFile}: ${e.reason}`);
  }
}

function diagnosticsError(diags: Diagnostic[], sources: Map<string, string>, what: string): CniError {
  const errors = diags.filter((d) => d.severity === "error");
  return invalid(`${what}:\n${renderDiagnostics(errors, { sources, color: false })}`);
}

interface CompiledContainer {
  topology: AddressedTopology;
  allocations: AllocationSnapshot;
}

/** parse → expand → (reserve the other containers' addresses) → allocate → check. Pure but for `use` files. */
export function compileContainer(
  conf: NsnetConf,
  script: string,
  alias: string,
  vars: Record<string, string>,
  previous: AllocationSnapshot,
): CompiledContainer {
  const file = conf.scriptFile;
  const text = `${script}\nns ${alias} <\n${conf.container}\n>\n`;
  const sources = new Map([[file, text]]);
  const load = makeFsLoader((t, f) => {
    const p = parse(t, f);
    sources.set(f, t);
    return p;
  });
  const parsed = parse(text, file);
  if (hasErrors(parsed.diagnostics)) throw diagnosticsError(parsed.diagnostics, sources, "the nsnet script or container body does not parse");
  const expanded = expand(parsed.script, { file, load, vars });
  if (hasErrors(expanded.diagnostics)) throw diagnosticsError(expanded.diagnostics, sources, "the nsnet script or container body does not expand");
  const topo = expanded.topology;
  // other containers keep their addresses: reserved in their pools before allocating
  const isOtherContainer = (key: string) => {
    const o = parseOwnerKey(key);
    return o !== null && ALIAS_RE.test(o.ns) && o.ns !== alias && !topo.namespaces.some((n) => n.name === o.ns);
  };
  for (const pool of topo.pools) {
    const held = Object.entries(previous.pools[pool.name]?.owners ?? {}).filter(([k]) => isOtherContainer(k));
    if (held.length && pool.split !== undefined) throw invalid(`pool ${pool.name}: split pools are not supported for container addresses`);
    for (const [, cidr] of held) pool.reserve.push({ addr: cidr.split("/")[0]!, span: pool.span });
  }
  const allocated = allocate(topo, previous);
  const diags = [...allocated.diagnostics, ...check(allocated.topology)];
  if (hasErrors(diags)) throw diagnosticsError(diags, sources, "the nsnet script or container body has errors");
  // the new snapshot: what allocate kept (script namespaces + this container) + the other containers
  const next: AllocationSnapshot = structuredClone(allocated.allocations);
  for (const [name, pool] of Object.entries(previous.pools))
    for (const [k, v] of Object.entries(pool.owners)) if (isOtherContainer(k)) (next.pools[name] ??= { cidr: pool.cidr, owners: {} }).owners[k] = v;
  return { topology: allocated.topology, allocations: next };
}

interface ContainerPlan {
  hostVeth: string;
  hostLines: string[];
  containerLines: string[];
  sysctls: string[];
  ips: IpConfig[];
  routes: ResultRoute[];
  bridge?: string;
}

/** The container part of the compiled topology → what to run (and refuse what a CNI plugin cannot do). */
export function planContainer(t: AddressedTopology, alias: string, ifname: string, netns: string, project: string): ContainerPlan {
  const devs = t.devices.filter((d) => d.ns === alias);
  if (devs.length !== 1)
    throw invalid(
      `the container body must make exactly one interface (${ifname}); it makes ${devs.length}${devs.length ? `: ${devs.map((d) => d.name).join(", ")}` : ""}`,
    );
  const dev = devs[0]!;
  if (dev.kind !== "veth") throw invalid(`the container body's interface must be a veth to the host; ${dev.name} is a ${dev.kind}`);
  if (dev.name !== ifname) throw invalid(`the container's interface is named ${dev.name}, but the runtime asks for ${ifname} (write \`as $ifname\`)`);
  if (dev.peer.ns !== HOST) throw invalid(`the veth's other end must be in the host, not in ${dev.peer.ns}`);
  const host = t.devices.find((d): d is VethDevice => d.kind === "veth" && d.ns === HOST && d.name === dev.peer.name);
  for (const what of ["nats", "portmaps", "partitions", "services", "execs", "proxyArps"] as const)
    if ((t[what] as { ns?: string; scope?: string }[]).some((x) => (x.ns ?? x.scope) === alias))
      throw invalid(`the container body cannot hold ${what} statements`);
  const hostLines = [`link add ${dev.peer.name} type veth peer name ${ifname} netns ${netns}`, `link set ${dev.peer.name} alias ${ownerAlias(project)}`];
  if (host?.master) hostLines.push(`link set ${dev.peer.name} master ${host.master}`);
  if (host?.up !== false) hostLines.push(`link set ${dev.peer.name} up`);
  const addrs = t.resolved.filter((a) => a.ns === alias);
  const routes = t.routes.filter((r) => r.ns === alias);
  const containerLines = addrs.map((a) => `addr add ${a.cidr} dev ${a.dev}`);
  if (dev.up) containerLines.push(`link set ${ifname} up`);
  for (const r of routes) containerLines.push(`route add ${r.dst}${r.via ? ` via ${r.via}` : ""} dev ${r.dev ?? ifname}${r.onlink ? " onlink" : ""}`);
  const defaults = routes.filter((r) => r.dst === "default" && r.via);
  const ips: IpConfig[] = addrs.map((a) => {
    const v6 = a.cidr.includes(":");
    const gw = defaults.find((r) => r.via!.includes(":") === v6)?.via;
    return { address: a.cidr, interface: 1, ...(gw ? { gateway: gw } : {}) };
  });
  const resultRoutes: ResultRoute[] = routes.map((r) => ({
    dst: r.dst === "default" ? (r.via?.includes(":") ? "::/0" : "0.0.0.0/0") : r.dst,
    ...(r.via ? { gw: r.via } : {}),
  }));
  const sysctls = t.sysctls.filter((s) => s.ns === alias).map((s) => `${s.key}=${s.value}`);
  const plan: ContainerPlan = { hostVeth: dev.peer.name, hostLines, containerLines, sysctls, ips, routes: resultRoutes };
  if (host?.master) plan.bridge = host.master;
  return plan;
}

async function nsnetAdd(conf: NsnetConf, ctx: ModeContext, finish: Finish): Promise<string> {
  const script = scriptText(conf);
  // by identity, before anything: a container's network namespace, held open from here on
  const netns = openForAdd(ctx.env.netns);
  return withNetns(netns, () => addIn(netns, conf, script, ctx, finish));
}

async function addIn(netns: OpenNetns, conf: NsnetConf, script: string, ctx: ModeContext, finish: Finish): Promise<string> {
  const { env, runner } = ctx;
  const ns = stateOf(conf, ctx);
  const alias = containerAlias(conf.name, env.containerId, env.ifname);
  return withNetworkLock(ns, async () => {
    const file = await readAttachments(ns, conf.name);
    const key = attachmentKey(env.containerId, env.ifname);
    if (file.attachments[key]?.state === "ready") throw fail(`container ${env.containerId} already has ${env.ifname} on network ${conf.name}; DEL it first`);
    const previous = await ns.allocations.load();
    const compiled = compileContainer(conf, script, alias, { ifname: env.ifname, containerid: env.containerId, netns: env.netns }, previous);
    const plan = planContainer(compiled.topology, alias, env.ifname, netns.enter, ns.project);
    const stale = file.attachments[key];
    if (stale) await removeHostVeth(runner, stale.hostVeth, ns.project);

    // the shared host part, through the engine (0 ops once it is in place)
    if (script.trim()) {
      const host = compileWithFsLoader(script, conf.scriptFile, {
        allocations: compiled.allocations,
        vars: { ifname: env.ifname, containerid: env.containerId, netns: env.netns },
      });
      if (!host.ok) throw diagnosticsError(host.diagnostics, host.sources, "the nsnet script has errors");
      const r = await up(host, { project: `${ns.project}-h`, stateDir: ns.stateRoot, runner });
      if (r.status !== "ok") throw fail(`applying the script failed (${r.status})${r.failure ? `: ${r.failure.message}` : ""}`);
      if (r.ops.length) ctx.log(`script: ${r.ops.length} ops applied`);
    }

    await ns.allocations.update(() => ({ snapshot: compiled.allocations, value: null }));
    const record: Attachment = {
      containerId: env.containerId,
      ifname: env.ifname,
      netns: env.netns,
      netnsId: netns.id,
      hostVeth: plan.hostVeth,
      state: "pending",
      alias,
    };
    file.attachments[key] = record;
    await writeAttachments(ns, file);
    let vethMade = false;
    try {
      const host = await batch(runner, HOST_PLACE, [...plan.hostLines, `link show dev ${plan.hostVeth}`]);
      vethMade = host.done > 0;
      if (!host.ok) throw fail(host.error);
      const ct = await batch(runner, { netns: netns.enter }, [...plan.containerLines, `link show dev ${env.ifname}`]);
      if (!ct.ok) throw fail(`in ${env.netns}: ${ct.error}`);
      if (plan.sysctls.length) {
        const r = await runner.run(sysctlWriteIn(netns.enter, plan.sysctls));
        if (r.exitCode !== 0) throw fail(`sysctl in ${env.netns}: ${r.stderr.trim()}`);
      }
      const hostMac = firstLink(host.shown[0])?.address;
      const ctMac = firstLink(ct.shown[0])?.address;
      const result: Omit<CniResult, "cniVersion"> = {
        interfaces: [
          { name: plan.hostVeth, ...(hostMac ? { mac: hostMac } : {}) },
          { name: env.ifname, ...(ctMac ? { mac: ctMac } : {}), sandbox: env.netns },
        ],
        ips: plan.ips,
        routes: plan.routes,
      };
      if (conf.dns && Object.keys(conf.dns).length) result.dns = conf.dns;
      const text = finish(result);
      const link = linkIdentity(firstLink(ct.shown[0]));
      file.attachments[key] = {
        ...record,
        state: "ready",
        result: { cniVersion: conf.cniVersion, ...result },
        ...(link ? { link } : {}),
        ...(plan.bridge ? { bridge: plan.bridge } : {}),
      };
      await writeAttachments(ns, file);
      return text;
    } catch (e) {
      if (vethMade) await removeHostVeth(runner, plan.hostVeth, ns.project);
      await ns.allocations.update((s) => ({ snapshot: releaseAlias(s, alias), value: null }));
      delete file.attachments[key];
      await writeAttachments(ns, file);
      throw e;
    }
  });
}

/** The snapshot without what a container alias holds. */
export function releaseAlias(s: AllocationSnapshot, alias: string): AllocationSnapshot | null {
  const next = structuredClone(s);
  let changed = false;
  for (const pool of Object.values(next.pools))
    for (const k of Object.keys(pool.owners))
      if (parseOwnerKey(k)?.ns === alias) {
        delete pool.owners[k];
        changed = true;
      }
  return changed ? next : null;
}

async function nsnetDel(conf: NsnetConf, ctx: ModeContext): Promise<void> {
  const { env, runner } = ctx;
  const ns = stateOf(conf, ctx);
  const alias = containerAlias(conf.name, env.containerId, env.ifname);
  await withNetworkLock(ns, async () => {
    const file = await readAttachments(ns, conf.name);
    const key = attachmentKey(env.containerId, env.ifname);
    const rec = file.attachments[key];
    const removed = rec ? await removeHostVeth(runner, rec.hostVeth, ns.project) : false;
    // only the interface the ADD made, in the namespace the ADD made it in
    if (!removed && rec) await removeContainerSide(ctx, rec);
    await ns.allocations.update((s) => ({ snapshot: releaseAlias(s, alias), value: null }));
    if (rec) {
      delete file.attachments[key];
      await writeAttachments(ns, file);
    }
  });
}

async function nsnetCheck(conf: NsnetConf, ctx: ModeContext): Promise<void> {
  const { env, runner } = ctx;
  if (!conf.prevResult) throw invalid("CHECK needs prevResult (the result of the ADD)");
  const ns = stateOf(conf, ctx);
  const problems = await withNetworkLock(ns, async () => {
    const file = await readAttachments(ns, conf.name);
    const rec = file.attachments[attachmentKey(env.containerId, env.ifname)] as (Attachment & { bridge?: string }) | undefined;
    if (!rec || rec.state !== "ready" || !rec.result) return [`no attachment of ${env.containerId}/${env.ifname} is recorded on network ${conf.name}`];
    const out: string[] = [];
    if (rec.netns !== env.netns) out.push(`the attachment was made in ${rec.netns}, not ${env.netns}`);
    const host = await checkHostVeth(runner, rec.hostVeth, rec.bridge);
    out.push(...host.problems);
    out.push(...(await checkContainerSide(runner, env, rec, host.link, rec.result.ips ?? [], rec.result.routes ?? [])));
    const snap = await ns.allocations.load();
    const held = Object.values(snap.pools).flatMap((p) =>
      Object.entries(p.owners)
        .filter(([k]) => parseOwnerKey(k)?.ns === rec.alias)
        .map(([, v]) => v.split("/")[0]),
    );
    for (const ip of rec.result.ips ?? [])
      if (!held.includes(ip.address.split("/")[0])) out.push(`address ${ip.address} is no longer reserved for ${env.containerId}/${env.ifname}`);
    return out;
  });
  if (problems.length) throw new CniError(CNI_CODE.checkMismatch, problems.join("; "));
}

async function nsnetGc(conf: NsnetConf, ctx: ModeContext): Promise<void> {
  const ns = stateOf(conf, ctx);
  const valid = new Set((conf.validAttachments ?? []).map((a) => attachmentKey(a.containerID, a.ifname)));
  const validAliases = new Set((conf.validAttachments ?? []).map((a) => containerAlias(conf.name, a.containerID, a.ifname)));
  await withNetworkLock(ns, async () => {
    const file = await readAttachments(ns, conf.name);
    for (const [key, rec] of Object.entries(file.attachments)) {
      if (valid.has(key)) continue;
      await removeHostVeth(ctx.runner, rec.hostVeth, ns.project);
      delete file.attachments[key];
      ctx.log(`gc: removed attachment ${key}`);
    }
    await writeAttachments(ns, file);
    await ns.allocations.update((s) => {
      let snap = s;
      const aliases = new Set(Object.values(s.pools).flatMap((p) => Object.keys(p.owners).map((k) => parseOwnerKey(k)?.ns ?? "")));
      for (const a of aliases) if (ALIAS_RE.test(a) && !validAliases.has(a)) snap = releaseAlias(snap, a) ?? snap;
      return { snapshot: snap === s ? null : snap, value: null };
    });
  });
}

async function nsnetStatus(): Promise<void> {
  // ready whenever it can run at all; pool exhaustion shows up as a diagnostic on ADD
}

export const nsnetMode: Mode<NsnetConf> = { add: nsnetAdd, del: nsnetDel, check: nsnetCheck, gc: nsnetGc, status: nsnetStatus };
