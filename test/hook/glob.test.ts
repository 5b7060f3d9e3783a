import { describe, it, expect } from "vitest";
import { globMatch, isGlob } from "../../src/hook/glob.js";

describe("handler patterns match as udev's KERNEL== does (fnmatch, | alternatives)", () => {
  const cases: [string, string, boolean][] = [
    ["lxc*_veth0", "lxc1_veth0", true],
    ["lxc*_veth0", "lxc12_veth0", true],
    ["lxc*_veth0", "lxc_veth0", true],
    ["lxc*_veth0", "lxc1_veth1", false],
    ["lxc*_veth0", "xlxc1_veth0", false],
    ["ve-*", "ve-web", true],
    ["ve-*", "ve", false],
    ["eth?", "eth0", true],
    ["eth?", "eth10", false],
    ["eth[0-3]", "eth2", true],
    ["eth[0-3]", "eth4", false],
    ["eth[!0-3]", "eth4", true],
    ["eth[^0-3]", "eth1", false],
    ["eth[]x]", "eth]", true],
    ["eth[", "eth[", true],
    ["eth[0", "eth0", false],
    ["*", "anything", true],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "aXbY", false],
    ["veth*|lxc*", "lxc3_veth0", true],
    ["veth*|lxc*", "eth0", false],
    ["lxc1_veth0", "lxc1_veth0", true],
    ["lxc1_veth0", "lxc1_veth00", false],
  ];
  for (const [p, s, want] of cases) it(`${p} ${want ? "matches" : "does not match"} ${s}`, () => expect(globMatch(p, s)).toBe(want));

  it("tells patterns from plain names", () => {
    expect(isGlob("lxc*")).toBe(true);
    expect(isGlob("a|b")).toBe(true);
    expect(isGlob("lxc1_veth0")).toBe(false);
  });
});
