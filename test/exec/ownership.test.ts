import { describe, expect, it } from "vitest";
import { emptyLiveState, type LiveLink } from "../../src/model/live.js";
import { linkVerdict, namespaceVerdict, undoVerdict, type Owner } from "../../src/exec/ownership.js";
import { sameNetns } from "../../src/exec/proc.js";
import { effectFrom } from "../plan/op-from-text.js";

const link = (ns: string, name: string, alias?: string): LiveLink => ({ ns, name, ifindex: 1, kind: "veth", up: true, ...(alias ? { alias } : {}) });
const id = (ino: number, ctimeNs = "1") => ({ ino, dev: 4, ctimeNs });

function owner(links: LiveLink[], current: Owner["current"] = { x: id(7) }): Owner {
  const live = emptyLiveState();
  live.namespaces = ["x"];
  live.links = links;
  return { project: "p", live, recorded: { x: id(7) }, current };
}
const ipOp = (ns: string, text: string) => ({ op: { effect: effectFrom({ tool: "ip", ns, text }) }, confirmed: true });
const netnsAdd = ipOp("host", "netns add x");
const vethInX = ipOp("host", "link add x_veth0 type veth peer name eth0 netns x");

describe("namespace ownership verdicts", () => {
  it("deletes our namespace: same identity, only our links (marked, or the unmarked far end of our veth)", () => {
    expect(namespaceVerdict("x", owner([link("x", "lo"), link("x", "eth1", "nsnet:p"), link("x", "eth0")]), [netnsAdd, vethInX], true)).toBe("run");
  });
  it("leaves a namespace made again under our name (inode reused, change time differs)", () => {
    expect(namespaceVerdict("x", owner([], { x: id(7, "2") }), [netnsAdd], true)).toMatch(/not the one nsnet created/);
    expect(namespaceVerdict("x", owner([], { x: id(8) }), [netnsAdd], true)).toMatch(/not the one nsnet created/);
  });
  it("leaves a namespace holding another project's link or an unmarked stranger", () => {
    expect(namespaceVerdict("x", owner([link("x", "eth0", "nsnet:q")]), [netnsAdd], true)).toMatch(/eth0 \(alias "nsnet:q"\)/);
    expect(namespaceVerdict("x", owner([link("x", "br9")]), [netnsAdd, vethInX], true)).toMatch(/br9 \(alias none\)/);
  });
  it("without an identity on record, deletes only a namespace whose lo carries our mark", () => {
    const bare = (links: LiveLink[]): Owner => ({ ...owner(links), recorded: {} });
    expect(namespaceVerdict("x", bare([link("x", "lo")]), [netnsAdd], true)).toMatch(/no identity on record and no mark of this project on its lo/);
    expect(namespaceVerdict("x", bare([link("x", "lo", "nsnet:q")]), [netnsAdd], true)).toMatch(/not provably ours/);
    expect(namespaceVerdict("x", bare([link("x", "lo", "nsnet:p")]), [netnsAdd], true)).toBe("run");
  });
  it("is gone when the namespace is", () => {
    const o = owner([]);
    o.live.namespaces = [];
    expect(namespaceVerdict("x", o, [netnsAdd], true)).toBe("gone");
  });
  it("runs nothing inside a namespace that is not ours any more", () => {
    const o = owner([link("x", "eth0", "nsnet:p")], { x: id(7, "2") });
    const step = { tool: "ip" as const, ns: "x", text: "addr del 192.0.2.1/24 dev eth0" };
    expect(undoVerdict({ step, effect: effectFrom(step) }, o, [], true)).toBe("gone");
  });
  it("links: ours by alias; unmarked only for an unconfirmed op on a link that was not there before", () => {
    const o = owner([link("host", "a", "nsnet:p"), link("host", "b"), link("host", "c", "nsnet:q")]);
    expect(linkVerdict("host", "a", o, true)).toBe("run");
    expect(linkVerdict("host", "b", o, true)).toMatch(/alias none/);
    expect(linkVerdict("host", "b", o, false)).toBe("run");
    expect(linkVerdict("host", "c", o, false)).toMatch(/nsnet:q/);
    expect(linkVerdict("host", "d", o, true)).toBe("gone");
  });
  it("sameNetns compares change times only when both sides know them", () => {
    expect(sameNetns({ ino: 1, dev: 4 }, id(1, "9"))).toBe(true);
    expect(sameNetns(id(1, "8"), id(1, "9"))).toBe(false);
    expect(sameNetns(null, id(1))).toBe(false);
  });
});
