import { describe, expect, it } from "vitest";
import { ipLinkKeyword, isValidIfName } from "../../src/model/names.js";

describe("interface names `ip link` reads as its own words", () => {
  it("are its exact words and every prefix of the words it matches by prefix", () => {
    for (const [name, kw] of [
      ["dev", "dev"],
      ["up", "up"],
      ["down", "down"],
      ["netns", "netns"],
      ["name", "name"],
      ["help", "help"],
      ["h", "help"],
      ["a", "address"],
      ["addr", "address"],
      ["type", "type"],
      ["ty", "type"],
      ["l", "link"],
      ["m", "master"],
      ["nomas", "nomaster"],
    ] as const) {
      expect(ipLinkKeyword(name), name).toBe(kw);
    }
  });
  it("leaves names that only look alike", () => {
    for (const name of ["eth0", "br0", "types", "upper", "devx", "lo", "veth0", "lxc1_veth0", "ve-a"]) expect(isValidIfName(name), name).toBe(true);
    for (const name of ["help", "dev", "all", "default"]) expect(isValidIfName(name), name).toBe(false);
  });
});
