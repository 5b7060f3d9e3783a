#!/usr/bin/env node
// Allocator benchmark (docs/architecture.md §10): every address of a /16, first from an empty snapshot,
// then again with all of them remembered (the sticky path). Run after `npm run build`.
import { allocate, emptySnapshot } from "../dist/ipam/index.js";
import { emptyTopology } from "../dist/model/topology.js";

const TARGET_MS = 200;
const span = { file: "bench.nsnet", start: { offset: 0, line: 1, column: 1 }, end: { offset: 4, line: 1, column: 5 } };

function topology(owners) {
  const addresses = [];
  for (let i = 0; i < owners; i++) {
    addresses.push({ ns: `n${i}`, dev: "eth0", span, valueSpan: span, spec: { kind: "auto", pool: "big" } });
  }
  return { ...emptyTopology(), addresses, pools: [{ name: "big", nameSpan: span, cidr: "10.0.0.0/16", cidrSpan: span, reserve: [], span }] };
}

function time(fn) {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

const owners = 65534;
const topo = topology(owners);
allocate(topology(1000), emptySnapshot()); // warm up the JIT on a small input

const fresh = time(() => allocate(topo, emptySnapshot()));
const got = fresh.value.topology.resolved.length;
if (got !== owners || fresh.value.diagnostics.length !== 0) {
  console.error(`ipam: expected ${owners} addresses and no diagnostics, got ${got} and ${fresh.value.diagnostics.length}`);
  process.exit(1);
}
const sticky = time(() => allocate(topo, fresh.value.allocations));
const overTopo = topology(owners + 1);
const over = time(() => allocate(overTopo, emptySnapshot()));
if (over.value.diagnostics.length !== 1) {
  console.error("ipam: allocating one past capacity did not give exactly one diagnostic");
  process.exit(1);
}

const line = (what, ms) => `ipam: ${what}: ${Math.round(ms)} ms (target < ${TARGET_MS} ms)`;
console.log(line(`allocate /16 (${owners} addresses)`, fresh.ms));
console.log(line(`re-allocate /16 sticky (${owners} remembered)`, sticky.ms));
console.log(line(`allocate /16 + 1 (exhaustion)`, over.ms));
process.exit(Math.max(fresh.ms, sticky.ms, over.ms) < TARGET_MS ? 0 : 1);
