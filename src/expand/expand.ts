/**
 * Expansion: AST → flat topology (DESIGN §1, §9 "canonicalise before allocating").
 * Pure: no fs, no processes, no clock; `use` goes through the injected `load`.
 *
 * Semantics, in the order a reader needs them
 * - Values are numbers, text and lists. `let` binds in the current block; every block
 *   (ns/host/bridge body, loop iteration, def call, used file) opens a child scope, so def
 *   parameters shadow outer names and a loop variable lives only in its body.
 * - Arithmetic (+ - * / %) is on numbers only; `/` is integer division (toward −∞). Text is
 *   joined by templates: `c$i`, `"${a}-${b}"`, `198.51.100.${i+1}/24`. A list never becomes
 *   text, except a command word that is exactly `$list`, which splices its items.
 * - `def NAME(P…) < body >` is a fragment: a call runs the body where it is called (same
 *   namespace, same "most recent interface"), with the parameters bound in a scope whose
 *   parent is the scope the def was written in. Calls nest at most `maxDepth` (64) deep.
 * - `for v in A..B` is inclusive and empty when A > B; `for v in [..]`/`$list` iterates a
 *   list. All loops of one expansion together run at most `maxIterations` (100,000).
 * - `use "stdlib/NAME"` or a path runs the file once per expansion in a fresh scope and
 *   imports its defs and lets; such a file may only contain def, let, use and pool.
 * - Namespaces: `ns NAME` adds a Namespace (repeats are reported by the checker, not here).
 *   Top-level `bridge`/`uplink` and everything inside `host < … >` are in HOST.
 * - veth: the far end is `${ns}_veth${n}` (n counts this namespace's veths from 0) in the
 *   host, or in NS with master BR for `to NS:BR` (host bridge BR for `to BR`), or
 *   `peer NS2[:IF]` (far end in NS2, default `eth${k}` counted in NS2). The end in the
 *   namespace is `eth${k}` unless `as IF`: k counts the interfaces already placed in that
 *   namespace by veth, macvlan, ipvlan, vlan and move, skipping names already taken.
 *   `primary` (the end the planner creates) is the far end when it is in the host — the host
 *   batch runs `ip link add FAR type veth peer name IF netns NS` — else the namespace's end.
 * - macvlan/ipvlan/vlan: an unqualified parent is a HOST device; modes default to bridge/l2.
 *   Inside `host < … >` the default names are `macvlan${k}`, `ipvlan${k}`, `PARENT.ID`.
 * - move DEV [as IF]: DEV is a HOST device unless qualified; it keeps its name without `as`.
 * - addr: default device is the most recent interface created in the same body (a bridge
 *   body starts with the bridge), else eth0. No prefix → host address /32 or /128 + warning.
 * - up/down: applied after the whole script is expanded to the device of that name (last
 *   statement wins), so `down eth1` may precede the veth that makes eth1.
 * - Devices created in a bridge body, in the bridge's namespace, are enslaved to it.
 * - `on add|remove` keeps its body unexpanded with the variables (and defs) in scope;
 *   `expandHandler` expands it per event with $iface, $ifindex, $ns bound.
 * Every mistake is a diagnostic (NS2xx) at the offending token; the statement is skipped.
 * Diagnostics raised inside calls and loops carry related sites (the call, the loop value),
 * and a diagnostic repeated by a loop at the same token is reported once.
 */
import type * as A from "../ast/nodes.js";
import type { Diagnostic, RelatedSite } from "../diagnostics/diagnostic.js";
import { diag, type DiagArgs } from "../diagnostics/codes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Span } from "../model/span.js";
import {
  HOST,
  devKey,
  emptyTopology,
  type Device,
  type Expectation,
  type Handler,
  type Nat,
  type Topology,
  type Value,
} from "../model/topology.js";
import { isNamespacedSysctl, validateIfName, validateNsName, validateSysctlKey, validateSysctlValue } from "../model/names.js";
import { parseAddressText } from "./address-text.js";
import { evalExpr, evalTemplate, evalWords, kindOf, plural, type Report } from "./evaluate.js";
import { placementProblem, type BodyKind } from "./placement.js";
import { Scope } from "./scope.js";

/** A `use`d file, parsed; or why not: `reason` completes "cannot use PATH: …" (default
 *  "file not found"), `error` is the detail shown as the hint. */
export type LoadResult = { script: A.Script; file: string; diagnostics?: Diagnostic[] } | { error: string; reason?: string };

export interface ExpandOptions {
  /** the file the script came from, as the user named it (used for relative `use`) */
  file: string;
  /** resolves and parses a `use`d file; absent → `use` is an error */
  load?: (path: string, fromFile: string) => LoadResult;
  /** variables bound before the script runs (CNI: $ifname, $containerid) */
  vars?: Record<string, Value>;
  limits?: { maxIterations?: number; maxDepth?: number };
}

export interface ExpandResult {
  topology: Topology;
  diagnostics: Diagnostic[];
}

export const DEFAULT_MAX_ITERATIONS = 100_000;
export const DEFAULT_MAX_DEPTH = 64;

export function expand(script: A.Script, opts: ExpandOptions): ExpandResult {
  const x = new Expander(opts);
  const scope = x.rootScope(opts.vars);
  x.runBlock(script.body, { kind: "top", ns: HOST, file: opts.file }, scope);
  return x.finish();
}

/**
 * udev hook mode (DESIGN §7): expand one handler's body as host statements with $iface,
 * $action, $ifindex and $ns bound. For `on add`, the new interface is declared as an uplink-like
 * existing device (used, never created or deleted) and is the body's default device.
 */
export function expandHandler(
  handler: Handler,
  env: { iface: string; ifindex?: number; ns?: string },
  opts: ExpandOptions,
): ExpandResult {
  const x = new Expander(opts);
  const scope = (capturedScopes.get(handler) ?? x.rootScope(handler.scope)).child();
  scope.setVar("iface", env.iface);
  scope.setVar("action", handler.action);
  if (env.ifindex !== undefined) scope.setVar("ifindex", env.ifindex);
  if (env.ns !== undefined) scope.setVar("ns", env.ns);
  const body: Body = { kind: "handler", ns: HOST, file: handler.span.file };
  if (handler.action === "add") {
    const reason = validateIfName(env.iface);
    if (reason) {
      x.report("NS210", handler.patternSpan, { name: env.iface, reason });
      return x.finish();
    }
    x.addDevice({ kind: "uplink", ns: HOST, name: env.iface, up: true, span: handler.span, nameSpan: handler.patternSpan }, body);
  }
  x.runBlock(handler.body, body, scope);
  return x.finish();
}

/** Handlers keep their full scope (defs included) for expandHandler in the same process;
 *  `Handler.scope` is the serialisable part (variables only). */
const capturedScopes = new WeakMap<Handler, Scope>();

interface Body {
  kind: BodyKind;
  /** the namespace statements of this body act on */
  ns: string;
  file: string;
  /** the most recent interface created in this body: the default of `addr` */
  recent?: string;
  /** inside `bridge NAME < … >`: devices created here in `ns` are enslaved to it */
  master?: { name: string; span: Span };
}

interface NsCounters {
  veths: number;
  placed: number;
  names: Set<string>;
}

interface PendingLinkState {
  ns: string;
  name: string;
  state: "up" | "down";
  span: Span;
}

class Expander {
  private readonly topo = emptyTopology();
  private readonly diags: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  private readonly counters = new Map<string, NsCounters>();
  private readonly linkStates: PendingLinkState[] = [];
  private readonly modules = new Map<string, Scope | "loading">();
  /** related sites describing where we are: calls and loop iterations, innermost last */
  private readonly context: RelatedSite[] = [];
  private iterations = 0;
  private depth = 0;
  private readonly maxIterations: number;
  private readonly maxDepth: number;

  constructor(private readonly opts: ExpandOptions) {
    this.maxIterations = opts.limits?.maxIterations ?? DEFAULT_MAX_ITERATIONS;
    this.maxDepth = opts.limits?.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  rootScope(vars?: Record<string, Value>): Scope {
    const s = new Scope();
    for (const [k, v] of Object.entries(vars ?? {})) s.setVar(k, v);
    return s;
  }

  readonly report: Report = (code, span, ...[params, extra = {}]) => {
    const key = `${code}@${span.file}:${span.start.offset}-${span.end.offset}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const related = [...(extra.related ?? []), ...this.context.slice(-3).reverse()];
    this.diags.push(diag(code, span, ...([params, { ...extra, related }] as DiagArgs<typeof code>)));
  };

  finish(): ExpandResult {
    this.applyLinkStates();
    return { topology: this.topo, diagnostics: this.diags };
  }

  // ───────────────────────────── blocks and statements ─────────────────────────────

  runBlock(stmts: readonly A.Statement[], body: Body, scope: Scope): void {
    for (const s of stmts) this.statement(s, body, scope);
  }

  private statement(s: A.Statement, body: Body, scope: Scope): void {
    const problem = placementProblem(s, body.kind);
    if (problem) {
      this.report("NS212", "keyword" in s ? s.keyword : s.span, { what: problem.what, where: problem.where }, { hint: problem.hint });
      return;
    }
    switch (s.type) {
      case "Let": {
        const v = evalExpr(s.value, scope, this.report);
        if (v !== undefined) scope.setVar(s.name.name, v);
        return;
      }
      case "Def":
        scope.setDef(s.name.name, { def: s, closure: scope });
        return;
      case "CallStmt":
        return this.call(s, body, scope);
      case "For":
        return this.forLoop(s, body, scope);
      case "Use":
        return this.use(s, scope);
      case "Ns":
        return this.ns(s, scope);
      case "Host":
        return this.runBlock(s.body, { kind: "host", ns: HOST, file: body.file }, scope.child());
      case "Bridge":
        return this.bridge(s, body, scope);
      case "Pool":
        return this.pool(s, scope);
      case "Uplink": {
        const name = this.ifName(s.name, scope);
        if (name === undefined) return;
        this.addDevice({ kind: "uplink", ns: HOST, name, up: true, span: s.span, nameSpan: s.name.span }, body, false);
        return;
      }
      case "On":
        return this.handler(s, scope);
      case "Veth":
        return this.veth(s, body, scope);
      case "Macvlan":
      case "Ipvlan":
      case "Vlan":
        return this.childDevice(s, body, scope);
      case "Move":
        return this.move(s, body, scope);
      case "Addr":
        return this.addr(s, body, scope);
      case "Route":
        return this.route(s, body, scope);
      case "Sysctl":
        return this.sysctl(s, body, scope);
      case "LinkState": {
        const ref = this.ifRef(s.dev, body.ns, scope);
        if (ref) this.linkStates.push({ ns: ref.ns, name: ref.name, state: s.state, span: s.dev.name.span });
        return;
      }
      case "ProxyArp": {
        const ref = this.ifRef(s.on, HOST, scope);
        if (!ref) return;
        if (ref.ns !== HOST) {
          this.report("NS218", s.on.span, { what: "proxyarp's interface", expected: "a host interface (the uplink)", ref: `${ref.ns}:${ref.name}`, other: ref.ns });
          return;
        }
        this.topo.proxyArps.push({ ns: body.ns, uplink: ref.name, uplinkSpan: s.on.span, span: s.span });
        return;
      }
      case "NeighProxy": {
        const addr = this.address(s.addr, scope, "address", false);
        const ref = this.ifRef(s.on, body.ns, scope);
        if (addr === undefined || !ref) return;
        this.topo.neighProxies.push({ ns: ref.ns, addr, addrSpan: s.addr.span, dev: ref.name, devSpan: s.on.span, span: s.span });
        return;
      }
      case "Nat":
        return this.nat(s, body, scope);
      case "Portmap": {
        const hostPort = this.integer(s.hostPort, scope, "a host port", 1, 65535);
        const ns = this.nsName(s.ns, scope, false);
        const port = this.integer(s.port, scope, "a port", 1, 65535);
        if (hostPort === undefined || ns === undefined || port === undefined) return;
        this.topo.portmaps.push({ proto: s.proto, hostPort, ns, nsSpan: s.ns.span, port, span: s.span, hostPortSpan: s.hostPort.span, portSpan: s.port.span });
        return;
      }
      case "Partition": {
        if (s.groups === null) {
          this.topo.partitions.push({ scope: body.ns, groups: null, span: s.span });
          return;
        }
        const groups: { name: string; span: Span }[][] = [];
        for (const g of s.groups) {
          const names: { name: string; span: Span }[] = [];
          for (const t of g) {
            const name = this.nsName(t, scope, false);
            if (name === undefined) return;
            names.push({ name, span: t.span });
          }
          groups.push(names);
        }
        this.topo.partitions.push({ scope: body.ns, groups, span: s.span });
        return;
      }
      case "Expect":
        return this.expect(s, scope);
      case "Run":
      case "Exec": {
        const ns = this.nsName(s.ns, scope, true);
        const argv: string[] = [];
        for (const w of s.argv) {
          const words = evalWords(w, scope, this.report);
          if (words === undefined) return;
          argv.push(...words);
        }
        if (ns === undefined) return;
        (s.type === "Run" ? this.topo.services : this.topo.execs).push({ ns, nsSpan: s.ns.span, argv, span: s.span });
        return;
      }
    }
  }

  private call(s: A.CallStmt, body: Body, scope: Scope): void {
    const name = s.callee.name;
    const binding = scope.lookupDef(name);
    if (!binding) {
      const suggestions = didYouMean(name, scope.defNames());
      this.report("NS202", s.callee.span, { name }, {
        suggestions,
        hint: suggestions.length ? undefined : "define it with `def NAME(…) < … >` or bring it in with `use`",
      });
      return;
    }
    const { def, closure } = binding;
    if (def.params.length !== s.args.length) {
      this.report("NS203", s.span, { name, expected: plural(def.params.length, "argument"), given: s.args.length }, {
        related: [{ span: def.name.span, message: `\`${name}\` is defined here with (${def.params.map((p) => p.name).join(", ")})` }],
      });
      return;
    }
    if (this.depth >= this.maxDepth) {
      this.report("NS204", s.span, { limit: this.maxDepth, name }, { related: [{ span: def.name.span, message: `\`${name}\` is defined here` }] });
      return;
    }
    const inner = closure.child();
    for (let i = 0; i < def.params.length; i++) {
      const v = evalExpr(s.args[i]!, scope, this.report);
      if (v === undefined) return;
      inner.setVar(def.params[i]!.name, v);
    }
    this.depth++;
    this.context.push({ span: s.span, message: `in this call of \`${name}\`` });
    try {
      this.runBlock(def.body, body, inner);
    } finally {
      this.context.pop();
      this.depth--;
    }
  }

  private forLoop(s: A.ForStmt, body: Body, scope: Scope): void {
    let items: Value[];
    if (s.iter.kind === "range") {
      const from = this.integer(s.iter.from, scope, "a loop bound");
      const to = this.integer(s.iter.to, scope, "a loop bound");
      if (from === undefined || to === undefined) return;
      const count = Math.max(0, to - from + 1);
      if (!this.takeIterations(count, s.iter.span)) return;
      items = [];
      for (let i = from; i <= to; i++) items.push(i);
    } else {
      const v = evalExpr(s.iter.list, scope, this.report);
      if (v === undefined) return;
      if (!Array.isArray(v)) {
        this.report("NS208", s.iter.list.span, { detail: `\`for … in\` needs a list or a range A..B, got ${kindOf(v)}` });
        return;
      }
      if (!this.takeIterations(v.length, s.iter.span)) return;
      items = v;
    }
    const name = s.variable.name;
    for (const item of items) {
      const inner = scope.child();
      inner.setVar(name, item);
      this.context.push({ span: s.variable.span, message: `when ${name} = ${Array.isArray(item) ? "[…]" : String(item)}` });
      try {
        this.runBlock(s.body, body, inner);
      } finally {
        this.context.pop();
      }
    }
  }

  private takeIterations(count: number, span: Span): boolean {
    if (this.iterations + count > this.maxIterations) {
      this.report("NS205", span, { limit: this.maxIterations.toLocaleString("en-US") }, {
        hint: `this loop alone would run ${count.toLocaleString("en-US")} times`,
      });
      return false;
    }
    this.iterations += count;
    return true;
  }

  private use(s: A.UseStmt, scope: Scope): void {
    const path = evalTemplate(s.path, scope, this.report);
    if (path === undefined) return;
    if (!this.opts.load) {
      this.report("NS206", s.path.span, { path, reason: "no file loader is available here" });
      return;
    }
    const from = s.span.file || this.opts.file;
    const loaded = this.opts.load(path, from);
    if ("error" in loaded) {
      this.report("NS206", s.path.span, { path, reason: loaded.reason ?? "file not found" }, { hint: loaded.error });
      return;
    }
    for (const d of loaded.diagnostics ?? []) this.diags.push(d);
    const cached = this.modules.get(loaded.file);
    if (cached === "loading") return; // a cycle: the file is being read further up; its defs arrive there
    if (cached) {
      scope.importFrom(cached);
      return;
    }
    const moduleScope = new Scope();
    this.modules.set(loaded.file, "loading");
    this.runBlock(loaded.script.body, { kind: "module", ns: HOST, file: loaded.file }, moduleScope);
    this.modules.set(loaded.file, moduleScope);
    scope.importFrom(moduleScope);
  }

  private ns(s: A.NsStmt, scope: Scope): void {
    const name = this.nsName(s.name, scope, false);
    if (name === undefined) return;
    this.topo.namespaces.push({ name, span: s.span, nameSpan: s.name.span });
    this.countersOf(name);
    if (s.body) this.runBlock(s.body, { kind: "ns", ns: name, file: s.span.file }, scope.child());
  }

  private bridge(s: A.BridgeStmt, body: Body, scope: Scope): void {
    const name = this.ifName(s.name, scope);
    if (name === undefined) return;
    this.addDevice({ kind: "bridge", ns: body.ns, name, up: true, span: s.span, nameSpan: s.name.span }, body, false);
    if (!s.body) return;
    const inner: Body = {
      kind: body.kind === "top" ? "host" : body.kind,
      ns: body.ns,
      file: body.file,
      recent: name,
      master: { name, span: s.name.span },
    };
    this.runBlock(s.body, inner, scope.child());
  }

  private pool(s: A.PoolStmt, scope: Scope): void {
    const cidr = this.address(s.cidr, scope, "CIDR", true);
    if (cidr === undefined) return;
    const family = parseAddressText(cidr);
    const max = family.ok && family.family === 6 ? 128 : 32;
    if (s.split && (s.split.prefix < 0 || s.split.prefix > max)) {
      this.report("NS216", s.split.span, { what: "a split prefix length", range: `0 to ${max}`, value: s.split.prefix });
      return;
    }
    const reserve: { addr: string; span: Span }[] = [];
    for (const t of s.reserve) {
      const a = this.address(t, scope, "address", false, true);
      if (a === undefined) return;
      reserve.push({ addr: a, span: t.span });
    }
    this.topo.pools.push({
      name: s.name.name,
      nameSpan: s.name.span,
      cidr,
      cidrSpan: s.cidr.span,
      ...(s.split ? { split: s.split.prefix, splitSpan: s.split.span } : {}),
      reserve,
      span: s.span,
    });
  }

  private handler(s: A.OnStmt, scope: Scope): void {
    const pattern = evalTemplate(s.pattern, scope, this.report);
    if (pattern === undefined) return;
    const reason = validateIfName(pattern);
    if (reason) {
      this.report("NS210", s.pattern.span, { name: pattern, reason });
      return;
    }
    // Statements a handler can never run are reported now, not at the first udev event.
    for (const st of s.body) {
      const problem = placementProblem(st, "handler");
      if (problem) this.report("NS212", "keyword" in st ? st.keyword : st.span, { what: problem.what, where: problem.where }, { hint: problem.hint });
    }
    const h: Handler = { action: s.action, pattern, patternSpan: s.pattern.span, body: s.body, scope: scope.flattenVars(), span: s.span };
    capturedScopes.set(h, scope);
    this.topo.handlers.push(h);
  }

  // ───────────────────────────── devices ─────────────────────────────

  private countersOf(ns: string): NsCounters {
    let c = this.counters.get(ns);
    if (!c) {
      c = { veths: 0, placed: 0, names: new Set() };
      this.counters.set(ns, c);
    }
    return c;
  }

  /** `eth${k}`: k counts the interfaces placed in ns so far, skipping names already taken. */
  private defaultName(ns: string, prefix: string): string {
    const c = this.countersOf(ns);
    let k = c.placed;
    while (c.names.has(`${prefix}${k}`)) k++;
    return `${prefix}${k}`;
  }

  /** Record a device; `placed` devices count for the `eth${k}` default names. */
  addDevice(d: Device, body: Body, placed = true): void {
    const c = this.countersOf(d.ns);
    c.names.add(d.name);
    if (placed) c.placed++;
    if (body.master && d.ns === body.ns && d.kind !== "bridge" && d.master === undefined) {
      d.master = body.master.name;
      d.masterSpan = body.master.span;
    }
    this.topo.devices.push(d);
    if (d.ns === body.ns) body.recent = d.name;
  }

  /**
   * A device whose own name is known but whose statement failed (reported): its name is
   * taken all the same, so later default names and references read as the user meant.
   */
  private unbuilt(ns: string, name: string, body: Body): void {
    const c = this.countersOf(ns);
    c.names.add(name);
    c.placed++;
    (this.topo.unbuilt ??= []).push({ ns, name });
    if (ns === body.ns) body.recent = name;
  }

  /** `mtu N` and `hwaddr MAC` of a device statement; null when one of them is invalid (reported). */
  private linkAttrs(s: A.LinkAttrs, scope: Scope): { mtu?: number; hwaddr?: string } | null {
    const out: { mtu?: number; hwaddr?: string } = {};
    if (s.mtu) {
      const mtu = this.integer(s.mtu, scope, "an MTU", 68, 65535);
      if (mtu === undefined) return null;
      out.mtu = mtu;
    }
    if (s.hwaddr) {
      const text = evalTemplate(s.hwaddr, scope, this.report);
      if (text === undefined) return null;
      // six hex bytes; the first even (a unicast address, as the kernel demands of a link)
      if (!/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(text) || parseInt(text.slice(0, 2), 16) % 2 === 1) {
        this.report("NS209", s.hwaddr.span, { text: JSON.stringify(text), what: "MAC address (six hex bytes like 02:00:5e:00:53:01, unicast)" });
        return null;
      }
      out.hwaddr = text.toLowerCase();
    }
    return out;
  }

  private veth(s: A.VethStmt, body: Body, scope: Scope): void {
    const ns = body.ns;
    const n = this.countersOf(ns).veths++;
    const nsEnd = s.as ? this.ifName(s.as, scope) : this.defaultName(ns, "eth");
    if (nsEnd === undefined) return;
    const attrs = this.linkAttrs(s, scope);
    if (attrs === null || !this.vethPair(s, body, scope, n, nsEnd, attrs)) this.unbuilt(ns, nsEnd, body);
  }

  private vethPair(s: A.VethStmt, body: Body, scope: Scope, n: number, nsEnd: string, attrs: { mtu?: number; hwaddr?: string }): boolean {
    const ns = body.ns;
    const nsEndSpan = s.as?.span ?? s.keyword;

    let farNs = HOST;
    let farName: string | undefined;
    let farSpan: Span = s.farName?.span ?? s.keyword;
    let master: { name: string; span: Span } | undefined;
    if (s.farName) {
      farName = this.ifName(s.farName, scope);
      if (farName === undefined) return false;
    }
    if (s.peer) {
      const peerNs = this.nsName(s.peer.ns, scope, true);
      if (peerNs === undefined) return false;
      farNs = peerNs;
      if (s.peer.name) {
        farName = this.ifName(s.peer.name, scope);
        if (farName === undefined) return false;
        farSpan = s.peer.name.span;
      }
    } else if (s.to) {
      const ref = this.ifRef(s.to, HOST, scope);
      if (!ref) return false;
      farNs = ref.ns;
      master = { name: ref.name, span: s.to.name.span };
    }
    if (farName === undefined) {
      if (farNs === HOST || s.to) {
        farName = `${ns}_veth${n}`;
        const reason = validateIfName(farName);
        if (reason) {
          this.report("NS210", s.keyword, { name: farName, reason }, {
            hint: `this is the default far-end name \${ns}_veth\${n}; use \`veth NAME\` to choose a shorter host-side name`,
          });
          return false;
        }
      } else {
        farName = this.defaultName(farNs, "eth");
      }
    }

    const farInHost = farNs === HOST;
    const here: Device = {
      kind: "veth",
      ns,
      name: nsEnd,
      up: true,
      span: s.span,
      nameSpan: nsEndSpan,
      peer: { ns: farNs, name: farName },
      primary: !farInHost,
      ...attrs,
    };
    const far: Device = {
      kind: "veth",
      ns: farNs,
      name: farName,
      up: true,
      span: s.span,
      nameSpan: farSpan,
      peer: { ns, name: nsEnd },
      primary: farInHost,
      ...(attrs.mtu !== undefined ? { mtu: attrs.mtu } : {}),
      ...(master ? { master: master.name, masterSpan: master.span } : {}),
    };
    // Order: the primary first, so a reader of the device list sees the creating end first.
    const farBody: Body = { ...body, ns: farNs, master: undefined };
    if (farInHost) {
      this.addDevice(far, farBody, false);
      this.addDevice(here, body);
    } else {
      this.addDevice(here, body);
      this.addDevice(far, farBody, !s.to);
    }
    return true;
  }

  private childDevice(s: A.MacvlanStmt | A.IpvlanStmt | A.VlanStmt, body: Body, scope: Scope): void {
    // a failed parent or id leaves the device's own name taken (when it is known without them)
    const lost = () => {
      const own = s.as ? this.ifName(s.as, scope) : body.ns !== HOST ? this.defaultName(body.ns, "eth") : undefined;
      if (own !== undefined) this.unbuilt(body.ns, own, body);
    };
    const parent = this.ifRef(s.parent, HOST, scope);
    if (!parent) return lost();
    const attrs = this.linkAttrs(s, scope);
    if (attrs === null) return lost();
    let vlanId = 0;
    if (s.type === "Vlan") {
      const id = this.integer(s.id, scope, "a VLAN id", 1, 4094);
      if (id === undefined) return lost();
      vlanId = id;
    }
    let name: string | undefined;
    if (s.as) name = this.ifName(s.as, scope);
    else if (body.ns !== HOST) name = this.defaultName(body.ns, "eth");
    else if (s.type === "Vlan") {
      name = `${parent.name}.${vlanId}`;
      const reason = validateIfName(name);
      if (reason) {
        this.report("NS210", s.keyword, { name, reason }, { hint: "name it with `as IF`" });
        return;
      }
    } else name = this.defaultName(HOST, s.type === "Macvlan" ? "macvlan" : "ipvlan");
    if (name === undefined) return;
    const base = { ns: body.ns, name, up: true, span: s.span, nameSpan: s.as?.span ?? s.keyword, parent, parentSpan: s.parent.span, ...attrs };
    switch (s.type) {
      case "Macvlan":
        return this.addDevice({ ...base, kind: "macvlan", mode: s.mode?.value ?? "bridge" }, body);
      case "Ipvlan":
        return this.addDevice({ ...base, kind: "ipvlan", mode: s.mode?.value ?? "l2" }, body);
      case "Vlan":
        return this.addDevice({ ...base, kind: "vlan", vlanId }, body);
    }
  }

  private move(s: A.MoveStmt, body: Body, scope: Scope): void {
    const from = this.ifRef(s.dev, HOST, scope);
    if (!from) return;
    const name = s.as ? this.ifName(s.as, scope) : from.name;
    if (name === undefined) return;
    const attrs = this.linkAttrs(s, scope);
    if (attrs === null) return;
    this.addDevice(
      { kind: "moved", ns: body.ns, name, up: true, span: s.span, nameSpan: s.as?.span ?? s.dev.name.span, from, fromSpan: s.dev.span, ...attrs },
      body,
    );
  }

  private applyLinkStates(): void {
    if (this.linkStates.length === 0) return;
    const byKey = new Map<string, Device[]>();
    for (const d of this.topo.devices) {
      const k = devKey(d.ns, d.name);
      const list = byKey.get(k);
      if (list) list.push(d);
      else byKey.set(k, [d]);
    }
    for (const ls of this.linkStates) {
      if (ls.name === "lo") {
        if (ls.state === "down") this.report("NS221", ls.span);
        continue;
      }
      const devs = byKey.get(devKey(ls.ns, ls.name));
      if (!devs && this.topo.unbuilt?.some((u) => u.ns === ls.ns && u.name === ls.name)) continue;
      if (!devs) {
        const candidates = this.countersOf(ls.ns).names;
        const suggestions = didYouMean(ls.name, candidates);
        this.report("NS217", ls.span, { name: ls.name, ns: ls.ns === HOST ? "the host" : `namespace ${ls.ns}` }, {
          suggestions,
          hint: !suggestions.length && ls.ns === HOST ? `declare an existing host device with \`uplink ${ls.name}\`` : undefined,
        });
        continue;
      }
      for (const d of devs) d.up = ls.state === "up";
    }
  }

  // ───────────────────────────── addresses, routes, sysctls ─────────────────────────────

  private addr(s: A.AddrStmt, body: Body, scope: Scope): void {
    let ns = body.ns;
    let dev = body.recent ?? "eth0";
    if (s.on) {
      const ref = this.ifRef(s.on, body.ns, scope);
      if (!ref) return;
      ns = ref.ns;
      dev = ref.name;
    }
    const devSpan = s.on?.span;
    if (s.value.kind === "auto") {
      this.topo.addresses.push({
        ns,
        dev,
        span: s.span,
        valueSpan: s.value.span,
        ...(devSpan ? { devSpan } : {}),
        spec: { kind: "auto", ...(s.value.pool ? { pool: s.value.pool.name, poolSpan: s.value.pool.span } : {}) },
      });
      return;
    }
    const text = this.address(s.value.cidr, scope, "address", false, true);
    if (text === undefined) return;
    const parsed = parseAddressText(text);
    let cidr = text;
    let hostOnly = false;
    if (parsed.ok && parsed.prefix === undefined) {
      hostOnly = true;
      cidr = `${text}/${parsed.family === 4 ? 32 : 128}`;
      this.report("NS213", s.value.cidr.span, { addr: text, cidr }, { hint: `write ${text}/LEN if it belongs to a subnet` });
    }
    this.topo.addresses.push({
      ns,
      dev,
      span: s.span,
      valueSpan: s.value.cidr.span,
      ...(devSpan ? { devSpan } : {}),
      spec: { kind: "static", cidr, hostOnly },
    });
  }

  private route(s: A.RouteStmt, body: Body, scope: Scope): void {
    let dst = "default";
    if (s.dst.kind === "cidr") {
      const text = this.address(s.dst.cidr, scope, "route destination", false, true);
      if (text === undefined) return;
      const parsed = parseAddressText(text);
      dst = parsed.ok && parsed.prefix === undefined ? `${text}/${parsed.family === 4 ? 32 : 128}` : text;
    }
    const dstSpan = s.dst.kind === "cidr" ? s.dst.cidr.span : s.dst.span;
    let via: string | undefined;
    if (s.via) {
      via = this.address(s.via, scope, "gateway address", false);
      if (via === undefined) return;
    }
    let dev: string | undefined;
    if (s.dev) {
      const ref = this.ifRef(s.dev, body.ns, scope);
      if (!ref) return;
      if (ref.ns !== body.ns) {
        this.report("NS218", s.dev.span, {
          what: "a route's device",
          expected: `in ${nsLabel(body.ns)} like the route`,
          ref: `${ref.ns}:${ref.name}`,
          other: nsLabel(ref.ns),
        });
        return;
      }
      dev = ref.name;
    }
    this.topo.routes.push({
      ns: body.ns,
      dst,
      dstSpan,
      ...(via !== undefined && s.via ? { via, viaSpan: s.via.span } : {}),
      ...(dev !== undefined && s.dev ? { dev, devSpan: s.dev.span } : {}),
      onlink: s.onlink,
      span: s.span,
    });
  }

  /**
   * `nat from SOURCE to [NS:]IF`. The rule lives in the out interface's namespace, so an
   * interface source (`[NS:]PATTERN`, unqualified meaning this namespace as everywhere) must
   * be in that namespace too. A source with a '/' or that reads as an address is a subnet.
   */
  private nat(s: A.NatStmt, body: Body, scope: Scope): void {
    const out = this.ifRef(s.to, body.ns, scope);
    const fromNs = s.from.ns ? this.nsName(s.from.ns, scope, true) : body.ns;
    const text = evalTemplate(s.from.name, scope, this.report);
    if (!out || fromNs === undefined || text === undefined) return;
    let source: Nat["source"];
    if (!s.from.ns && (text.includes("/") || parseAddressText(text).ok)) {
      const cidr = this.address(s.from.name, scope, "source subnet", true);
      if (cidr === undefined) return;
      source = { kind: "subnet", cidr };
    } else {
      const reason = validateIfName(text);
      if (reason) {
        this.report("NS210", s.from.name.span, { name: text, reason });
        return;
      }
      if (fromNs !== out.ns) {
        this.report("NS218", s.from.span, {
          what: "nat's source interfaces",
          expected: `in ${nsLabel(out.ns)}, like its out interface`,
          ref: `${fromNs}:${text}`,
          other: nsLabel(fromNs),
        }, { hint: `a masquerade rule sees only the interfaces of its own namespace: \`nat from ${out.ns}:${text} to ${out.ns}:${out.name}\`` });
        return;
      }
      source = { kind: "interfaces", pattern: text };
    }
    this.topo.nats.push({ ns: out.ns, source, sourceSpan: s.from.span, outDev: out, outSpan: s.to.span, span: s.span });
  }

  private sysctl(s: A.SysctlStmt, body: Body, scope: Scope): void {
    const key = evalTemplate(s.key, scope, this.report);
    const value = evalTemplate(s.value, scope, this.report);
    if (key === undefined || value === undefined) return;
    const keyProblem = validateSysctlKey(key);
    if (keyProblem) {
      this.report("NS214", s.key.span, { key, reason: keyProblem });
      return;
    }
    if (!isNamespacedSysctl(key)) {
      if (body.ns !== HOST) {
        this.report("NS222", s.key.span, { key }, { hint: "set machine-wide keys at host level: `host < sysctl machine KEY = VALUE >`" });
        return;
      }
      if (!s.machine) {
        this.report("NS223", s.key.span, { key }, { hint: `if that is what you want, say so: \`sysctl machine ${key} = …\`` });
        return;
      }
    }
    const valueProblem = validateSysctlValue(value);
    if (valueProblem) {
      this.report("NS215", s.value.span, { key, reason: valueProblem });
      return;
    }
    this.topo.sysctls.push({ ns: body.ns, key, value, keySpan: s.key.span, span: s.span });
  }

  private expect(s: A.ExpectStmt, scope: Scope): void {
    const from = evalTemplate(s.from, scope, this.report);
    if (from === undefined) return;
    const fromSpan = s.from.span;
    let e: Expectation;
    switch (s.kind) {
      case "reach": {
        const to = evalTemplate(s.to, scope, this.report);
        if (to === undefined) return;
        e = { kind: "reach", from, fromSpan, to, toSpan: s.to.span, negate: s.negate, span: s.span };
        break;
      }
      case "http": {
        const url = evalTemplate(s.url, scope, this.report);
        const status = this.integer(s.status, scope, "an HTTP status", 100, 599);
        if (url === undefined || status === undefined) return;
        e = { kind: "http", url, urlSpan: s.url.span, status, from, fromSpan, span: s.span };
        break;
      }
      case "tcp": {
        const target = evalTemplate(s.target, scope, this.report);
        if (target === undefined) return;
        const m = /^\[([^\]]+)\]:(\d+)$/.exec(target) ?? /^([^:]+):(\d+)$/.exec(target);
        const port = m ? Number(m[2]) : NaN;
        if (!m || !(port >= 1 && port <= 65535)) {
          this.report("NS209", s.target.span, { text: target, what: "ADDR:PORT target" }, {
            hint: "write HOST:PORT with a port from 1 to 65535 ([2001:db8::1]:80 for IPv6)",
          });
          return;
        }
        e = { kind: "tcp", host: m[1]!, port, targetSpan: s.target.span, from, fromSpan, span: s.span };
        break;
      }
    }
    this.topo.expects.push(e);
  }

  // ───────────────────────────── names and values ─────────────────────────────

  private ifName(t: A.Template, scope: Scope): string | undefined {
    const name = evalTemplate(t, scope, this.report);
    if (name === undefined) return undefined;
    const reason = validateIfName(name);
    if (reason) {
      this.report("NS210", t.span, { name, reason });
      return undefined;
    }
    return name;
  }

  /** A namespace name; `host` means the root namespace where `allowHost`. */
  private nsName(t: A.Template, scope: Scope, allowHost: boolean): string | undefined {
    const name = evalTemplate(t, scope, this.report);
    if (name === undefined) return undefined;
    if (allowHost && name === HOST) return HOST;
    const reason = validateNsName(name);
    if (reason) {
      this.report("NS211", t.span, { name, reason }, name === HOST ? { hint: "statements about the root namespace go in `host < … >`" } : {});
      return undefined;
    }
    return name;
  }

  /** `NS:IF` or `IF`; an unqualified IF is in `defaultNs`. */
  private ifRef(r: A.IfRef, defaultNs: string, scope: Scope): { ns: string; name: string } | undefined {
    const ns = r.ns ? this.nsName(r.ns, scope, true) : defaultNs;
    const name = this.ifName(r.name, scope);
    if (ns === undefined || name === undefined) return undefined;
    return { ns, name };
  }

  /** An address (prefix optional unless `needPrefix`; forbidden unless `allowPrefix`). */
  private address(t: A.Template, scope: Scope, what: string, needPrefix: boolean, allowPrefix = needPrefix): string | undefined {
    const text = evalTemplate(t, scope, this.report);
    if (text === undefined) return undefined;
    const parsed = parseAddressText(text);
    if (!parsed.ok) {
      this.report("NS209", t.span, { text, what }, { hint: parsed.reason });
      return undefined;
    }
    if (needPrefix && parsed.prefix === undefined) {
      this.report("NS209", t.span, { text, what }, { hint: `a ${what} needs a prefix length, e.g. ${text}/24` });
      return undefined;
    }
    if (!allowPrefix && parsed.prefix !== undefined) {
      this.report("NS209", t.span, { text, what }, { hint: `write the ${what} without /${parsed.prefix}` });
      return undefined;
    }
    return text;
  }

  private integer(e: A.Expr, scope: Scope, what: string, min = -Infinity, max = Infinity): number | undefined {
    const v = evalExpr(e, scope, this.report);
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isNaN(n)) {
      this.report("NS208", e.span, { detail: `${what} must be a number, got ${kindOf(v)}` });
      return undefined;
    }
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = min === -Infinity ? "a whole number" : `a whole number from ${min} to ${max}`;
      this.report("NS216", e.span, { what: capitalise(what), range, value: n });
      return undefined;
    }
    return n;
  }
}

function nsLabel(ns: string): string {
  return ns === HOST ? "the host" : `namespace ${ns}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
