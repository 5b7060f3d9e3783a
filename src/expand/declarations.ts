import type * as A from "../ast/nodes.js";
import type { Span } from "../model/span.js";
import { HOST } from "../model/topology.js";
import { isNamespacedSysctl, validateSysctlKey, validateSysctlValue } from "../model/names.js";
import { countersOf } from "./device-names.js";
import { evalTemplate, evalWords } from "./evaluate.js";
import type { Body, Expansion } from "./expansion.js";
import type { Scope } from "./scope.js";
import { integer, nsName } from "./values.js";

/** Namespaces and what is declared about them: sysctls, port maps, partitions, expectations, commands. */

export function ns(x: Expansion, s: A.NsStmt, _body: Body, scope: Scope): void {
  const name = nsName(x, s.name, scope, { host: "refused" });
  if (name === undefined) return;
  if (x.topo.namespaces.length >= x.maxNamespaces) {
    x.report("NS230", s.span, { limit: x.maxNamespaces.toLocaleString("en-US") });
    x.halted = true;
    return;
  }
  x.topo.namespaces.push({ name, span: s.span, nameSpan: s.name.span });
  countersOf(x, name);
  if (s.body) x.runBlock(s.body, { kind: "ns", ns: name, file: s.span.file }, scope.child());
}

export function host(x: Expansion, s: A.HostStmt, body: Body, scope: Scope): void {
  x.runBlock(s.body, { kind: "host", ns: HOST, file: body.file }, scope.child());
}

export function sysctl(x: Expansion, s: A.SysctlStmt, body: Body, scope: Scope): void {
  const key = evalTemplate(s.key, scope, x.report);
  const value = evalTemplate(s.value, scope, x.report);
  if (key === undefined || value === undefined) return;
  const keyProblem = validateSysctlKey(key);
  if (keyProblem) {
    x.report("NS214", s.key.span, { key, reason: keyProblem });
    return;
  }
  if (!isNamespacedSysctl(key)) {
    if (body.ns !== HOST) {
      x.report("NS222", s.key.span, { key }, { hint: "set machine-wide keys at host level: `host < sysctl machine KEY = VALUE >`" });
      return;
    }
    if (!s.machine) {
      x.report("NS223", s.key.span, { key }, { hint: `if that is what you want, say so: \`sysctl machine ${key} = …\`` });
      return;
    }
  }
  const valueProblem = validateSysctlValue(value);
  if (valueProblem) {
    x.report("NS215", s.value.span, { key, reason: valueProblem });
    return;
  }
  x.topo.sysctls.push({ ns: body.ns, key, value, keySpan: s.key.span, span: s.span });
}

export function portmap(x: Expansion, s: A.PortmapStmt, _body: Body, scope: Scope): void {
  const hostPort = integer(x, s.hostPort, scope, { what: "a host port", min: 1, max: 65535 });
  const ns = nsName(x, s.ns, scope, { host: "refused" });
  const port = integer(x, s.port, scope, { what: "a port", min: 1, max: 65535 });
  if (hostPort === undefined || ns === undefined || port === undefined) return;
  x.topo.portmaps.push({ proto: s.proto, hostPort, ns, nsSpan: s.ns.span, port, span: s.span, hostPortSpan: s.hostPort.span, portSpan: s.port.span });
}

export function partition(x: Expansion, s: A.PartitionStmt, body: Body, scope: Scope): void {
  if (s.groups === null) {
    x.topo.partitions.push({ scope: body.ns, groups: null, span: s.span });
    return;
  }
  const groups: { name: string; span: Span }[][] = [];
  for (const g of s.groups) {
    const names: { name: string; span: Span }[] = [];
    for (const t of g) {
      const name = nsName(x, t, scope, { host: "refused" });
      if (name === undefined) return;
      names.push({ name, span: t.span });
    }
    groups.push(names);
  }
  x.topo.partitions.push({ scope: body.ns, groups, span: s.span });
}

/** `run in NS …` (a service) and `exec NS …` (once); a word that is exactly `$list` splices it. */
export function command(x: Expansion, s: A.RunStmt | A.ExecStmt, _body: Body, scope: Scope): void {
  const ns = nsName(x, s.ns, scope, { host: "root" });
  const argv: string[] = [];
  for (const w of s.argv) {
    const words = evalWords(w, scope, x.report);
    if (words === undefined) return;
    argv.push(...words);
  }
  if (ns === undefined) return;
  (s.type === "Run" ? x.topo.services : x.topo.execs).push({ ns, nsSpan: s.ns.span, argv, span: s.span });
}
