import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { allocateHostLocal, canonicalRangeSet, releaseHostLocal, freeCount } from "../../src/cni/host-local.js";
import { emptySnapshot, type AllocationSnapshot } from "../../src/ipam/snapshot.js";
import { CniError } from "../../src/cni/errors.js";

const ranges = (...r: Record<string, string>[]) => [canonicalRangeSet(r)];

function run(sets: ReturnType<typeof ranges>, steps: ["add" | "del", string][]): string[] {
  let snap: AllocationSnapshot = emptySnapshot();
  const out: string[] = [];
  for (const [op, id] of steps) {
    if (op === "add") {
      const r = allocateHostLocal(sets, snap, id, "eth0");
      snap = r.snapshot;
      out.push(r.ips.map((i) => i.address).join(","));
    } else snap = releaseHostLocal(snap, id, "eth0").snapshot;
  }
  return out;
}

describe("host-local compatible allocation", () => {
  it("starts at rangeStart, skips the gateway, and goes round robin after a release", () => {
    const s = ranges({ subnet: "192.0.2.0/24" });
    expect(
      run(s, [
        ["add", "a"],
        ["add", "b"],
        ["add", "c"],
        ["del", "b"],
        ["add", "d"],
        ["add", "b"],
      ]),
    ).toEqual(["192.0.2.2/24", "192.0.2.3/24", "192.0.2.4/24", "192.0.2.5/24", "192.0.2.6/24"]);
  });

  it("wraps from rangeEnd to rangeStart and reuses freed addresses only then", () => {
    const s = ranges({ subnet: "192.0.2.0/24", rangeStart: "192.0.2.10", rangeEnd: "192.0.2.12" });
    expect(
      run(s, [
        ["add", "a"],
        ["add", "b"],
        ["add", "c"],
        ["del", "a"],
        ["add", "d"],
      ]),
    ).toEqual(["192.0.2.10/24", "192.0.2.11/24", "192.0.2.12/24", "192.0.2.10/24"]);
  });

  it("an explicit gateway inside the range is skipped; the result carries it", () => {
    const s = ranges({ subnet: "192.0.2.0/29", gateway: "192.0.2.2" });
    const r = allocateHostLocal(s, emptySnapshot(), "a", "eth0");
    expect(r.ips).toEqual([{ address: "192.0.2.1/29", gateway: "192.0.2.2", family: 4 }]);
    expect(
      run(s, [
        ["add", "a"],
        ["add", "b"],
      ]),
    ).toEqual(["192.0.2.1/29", "192.0.2.3/29"]);
  });

  it("IPv6: the last address is usable (no broadcast)", () => {
    const s = ranges({ subnet: "2001:db8::/126" });
    expect(
      run(s, [
        ["add", "a"],
        ["add", "b"],
      ]),
    ).toEqual(["2001:db8::2/126", "2001:db8::3/126"]);
  });

  it("is exhausted exactly at capacity, and STATUS sees it", () => {
    const s = ranges({ subnet: "192.0.2.0/29" }); // .1 gateway, .2–.6 usable
    let snap = emptySnapshot();
    for (const id of ["a", "b", "c", "d", "e"]) snap = allocateHostLocal(s, snap, id, "eth0").snapshot;
    expect(freeCount(s[0]!, snap, 0)).toBe(0n);
    expect(() => allocateHostLocal(s, snap, "f", "eth0")).toThrow(CniError);
  });

  it("keeps an owner's address on a repeated ADD (a crashed ADD retried)", () => {
    const s = ranges({ subnet: "192.0.2.0/24" });
    const first = allocateHostLocal(s, emptySnapshot(), "a", "eth0");
    const again = allocateHostLocal(s, first.snapshot, "a", "eth0");
    expect(again.ips).toEqual(first.ips);
  });

  it("refuses what host-local refuses", () => {
    const details = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof CniError ? `${e.code} ${e.details}` : String(e);
      }
      return "no error";
    };
    expect(details(() => canonicalRangeSet([{ subnet: "192.0.2.1/24" }]))).toMatch(/^7 .*host bits/);
    expect(details(() => canonicalRangeSet([{ subnet: "192.0.2.0/31" }]))).toMatch(/^7 .*too small/);
    expect(details(() => canonicalRangeSet([{ subnet: "192.0.2.0/24", rangeStart: "198.51.100.1" }]))).toMatch(/^7 .*not in network/);
    expect(details(() => canonicalRangeSet([{ subnet: "192.0.2.0/24" }, { subnet: "192.0.2.0/25" }]))).toMatch(/^7 .*overlap/);
  });

  it("never hands out one address twice, nor the gateway, over random ADD/DEL sequences", () => {
    const s = ranges({ subnet: "192.0.2.0/28" });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 })), { maxLength: 60 }), (steps) => {
        let snap = emptySnapshot();
        const live = new Map<string, string>();
        for (const [isAdd, n] of steps) {
          const id = `c${n}`;
          if (isAdd) {
            try {
              const r = allocateHostLocal(s, snap, id, "eth0");
              snap = r.snapshot;
              live.set(id, r.ips[0]!.address);
            } catch {
              expect(live.size).toBe(13);
            }
          } else {
            snap = releaseHostLocal(snap, id, "eth0").snapshot;
            live.delete(id);
          }
          const addrs = [...live.values()];
          expect(new Set(addrs).size).toBe(addrs.length);
          expect(addrs).not.toContain("192.0.2.1/28");
        }
      }),
    );
  });
});
