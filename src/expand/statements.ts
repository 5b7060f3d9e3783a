import { addr, nat, neighProxy, pool, proxyArp, route } from "./addressing.js";
import { call, def, forLoop, handler, letStmt, use } from "./control.js";
import { command, host, ns, partition, portmap, sysctl } from "./declarations.js";
import { expectation } from "./expectations.js";
import { bridge, childDevice, move, uplink } from "./devices.js";
import type { StatementTable } from "./expansion.js";
import { linkState } from "./link-state.js";
import { veth } from "./veth.js";

/** Which expander each statement kind goes to; a statement kind missing here does not compile. */
export const statementTable: StatementTable = {
  Let: letStmt,
  Def: def,
  CallStmt: call,
  For: forLoop,
  Use: use,
  On: handler,
  Ns: ns,
  Host: host,
  Bridge: bridge,
  Uplink: uplink,
  Veth: veth,
  Macvlan: childDevice,
  Ipvlan: childDevice,
  Vlan: childDevice,
  Move: move,
  LinkState: linkState,
  Pool: pool,
  Addr: addr,
  Route: route,
  NeighProxy: neighProxy,
  ProxyArp: proxyArp,
  Nat: nat,
  Sysctl: sysctl,
  Portmap: portmap,
  Partition: partition,
  Expect: expectation,
  Run: command,
  Exec: command,
};
