/**
 * Expansion: AST → flat topology (docs/architecture.md §1 "The pipeline").
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
 * The code is split by concern: control.ts (let, def, for, use, on), devices.ts, veth.ts and
 * device-names.ts (naming and placement), addressing.ts, declarations.ts; statements.ts maps
 * each statement kind to its expander, and expansion.ts holds the state they share.
 * Every mistake is a diagnostic (NS2xx) at the offending token; the statement is skipped.
 * Diagnostics raised inside calls and loops carry related sites (the call, the loop value),
 * and a diagnostic repeated by a loop at the same token is reported once.
 */
import type * as A from "../ast/nodes.js";
import { HOST, type Handler } from "../model/topology.js";
import { validateIfName } from "../model/names.js";
import { addDevice } from "./device-names.js";
import { Expansion, type Body } from "./expansion.js";
import { applyLinkStates } from "./link-state.js";
import type { ExpandOptions, ExpandResult } from "./options.js";
import { Scope } from "./scope.js";
import { statementTable } from "./statements.js";

export type { ExpandOptions, ExpandResult, LoadResult } from "./options.js";
export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_ITERATIONS } from "./expansion.js";

export function expand(script: A.Script, opts: ExpandOptions): ExpandResult {
  const x = new Expansion(opts, statementTable);
  x.runBlock(script.body, { kind: "top", ns: HOST, file: opts.file }, x.rootScope(opts.vars));
  return finish(x);
}

/**
 * udev hook mode (docs/hook.md "Events and handlers"): expand one handler's body as host
 * statements with $iface, $action, $ifindex and $ns bound. For `on add`, the new interface is
 * declared as an uplink-like existing device (used, never created or deleted) and is the
 * body's default device. The handler's closure (from the expansion that produced it) gives
 * the body its defs; a handler read back from JSON has its variables only.
 */
export function expandHandler(handler: Handler, env: { iface: string; ifindex?: number; ns?: string }, opts: ExpandOptions): ExpandResult {
  const x = new Expansion(opts, statementTable);
  const scope = (handler.closure instanceof Scope ? handler.closure : x.rootScope(handler.scope)).child();
  scope.setVar("iface", env.iface);
  scope.setVar("action", handler.action);
  if (env.ifindex !== undefined) scope.setVar("ifindex", env.ifindex);
  if (env.ns !== undefined) scope.setVar("ns", env.ns);
  const body: Body = { kind: "handler", ns: HOST, file: handler.span.file };
  if (handler.action === "add") {
    const reason = validateIfName(env.iface);
    if (reason) {
      x.report("NS210", handler.patternSpan, { name: env.iface, reason });
      return finish(x);
    }
    addDevice(x, { kind: "uplink", ns: HOST, name: env.iface, up: true, span: handler.span, nameSpan: handler.patternSpan }, body);
  }
  x.runBlock(handler.body, body, scope);
  return finish(x);
}

function finish(x: Expansion): ExpandResult {
  applyLinkStates(x);
  return { topology: x.topo, diagnostics: x.diags };
}
