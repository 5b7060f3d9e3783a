import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { AddressedTopology, Topology } from "../model/topology.js";
import { buildContext } from "./context.js";
import { ValidationRegistry } from "./registry.js";
import { addressConflicts } from "./validators/address-conflicts.js";
import { addressReferences } from "./validators/address-references.js";
import { addressReuse, linkPrefixes } from "./validators/address-reuse.js";
import { addressValue } from "./validators/address-values.js";
import { bridgePorts } from "./validators/bridge-ports.js";
import { commandNamespace } from "./validators/commands.js";
import { deviceReferences } from "./validators/device-references.js";
import { duplicateDevice } from "./validators/device-duplicates.js";
import { ipKeywordName } from "./validators/device-names.js";
import { expectation } from "./validators/expect.js";
import { gateways } from "./validators/gateways.js";
import { duplicateNamespace } from "./validators/namespaces.js";
import { natRule } from "./validators/nat.js";
import { natDirection } from "./validators/nat-direction.js";
import { neighProxy } from "./validators/neigh-proxy.js";
import { partitionGroups, partitionReplaced } from "./validators/partition.js";
import { poolDeclaration } from "./validators/pools.js";
import { portmapDuplicates, portmapShape } from "./validators/portmap.js";
import { proxyArp } from "./validators/proxyarp.js";
import { proxyArpMissing } from "./validators/proxyarp-missing.js";
import { routeDuplicates, routeKernel } from "./validators/route-kernel.js";
import { routeShape } from "./validators/routes.js";
import { subnetOverlap } from "./validators/subnet-overlap.js";

/** The checker's validators, one per concern, in the order their findings read best. */
export function defaultRegistry(): ValidationRegistry {
  return new ValidationRegistry()
    .register("namespaces", duplicateNamespace)
    .register("devices", duplicateDevice)
    .register("devices", ipKeywordName)
    .register("devices", deviceReferences)
    .registerWhole(bridgePorts)
    .register("pools", poolDeclaration)
    .register("assignments", addressReferences)
    .register("addresses", addressValue)
    .registerWhole(addressConflicts)
    .registerWhole(subnetOverlap)
    .registerWhole(linkPrefixes)
    .registerWhole(addressReuse)
    .register("routes", routeShape)
    .register("routes", routeKernel)
    .registerWhole(routeDuplicates)
    .registerWhole(gateways)
    .register("proxyArps", proxyArp)
    .registerWhole(proxyArpMissing)
    .register("neighProxies", neighProxy)
    .register("nats", natRule)
    .registerWhole(natDirection)
    .register("portmaps", portmapShape)
    .registerWhole(portmapDuplicates)
    .register("partitions", partitionGroups)
    .registerWhole(partitionReplaced)
    .register("expects", expectation)
    .register("services", commandNamespace)
    .register("execs", commandNamespace);
}

const registry = defaultRegistry();

/**
 * Check an expanded topology before anything runs. Given an AddressedTopology (after the
 * allocator) the allocated addresses are checked too; otherwise only static ones, and
 * checks that need a namespace's subnets stay quiet where `addr auto` is still open.
 * Pure: never touches the system, never throws on user input.
 */
export function check(topo: Topology | AddressedTopology, reg: ValidationRegistry = registry): Diagnostic[] {
  const out: Diagnostic[] = [];
  reg.run(buildContext(topo, out));
  // Findings read in source order, whatever order the validators ran in (sort is stable).
  return out.sort((a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.start.offset - b.span.start.offset));
}
