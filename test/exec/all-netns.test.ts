import { describe, it, expect } from "vitest";
import { splitAllNetns } from "../../src/exec/live.js";

describe("splitAllNetns", () => {
  it("splits `ip -all netns exec` output into one text per namespace", () => {
    const out = "\nnetns: b\n[{\"ifname\":\"lo\"}]\n\nnetns: vagga_guest.2\n[]\n";
    const m = splitAllNetns(out);
    expect([...m.keys()]).toEqual(["b", "vagga_guest.2"]);
    expect(JSON.parse(m.get("b")!)).toEqual([{ ifname: "lo" }]);
    expect(m.get("vagga_guest.2")).toBe("[]");
  });

  it("gives nothing for no namespaces", () => {
    expect(splitAllNetns("").size).toBe(0);
  });
});
