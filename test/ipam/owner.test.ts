import { describe, it, expect } from "vitest";
import { ownerKey, parseOwnerKey } from "../../src/ipam/owner.js";

describe("owner keys", () => {
  it("round-trip", () => {
    expect(ownerKey("lxc1", "eth0", 0)).toBe("lxc1:eth0#0");
    expect(parseOwnerKey("lxc1:eth0#2")).toEqual({ ns: "lxc1", dev: "eth0", index: 2 });
    expect(parseOwnerKey("host:ve-a.b#10")).toEqual({ ns: "host", dev: "ve-a.b", index: 10 });
  });
  it("refuse text that is not one", () => {
    for (const t of ["lxc1:eth0", "lxc1#0", ":eth0#0", "a:b#01", "a:b#-1"]) expect(parseOwnerKey(t)).toBeNull();
  });
});
