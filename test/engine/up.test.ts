import { describe, it, expect } from "vitest";
import { ownedNamespaces, liveHostGateway } from "../../src/engine/up.js";
import { emptyProjectState } from "../../src/model/state.js";
import { emptyLiveState } from "../../src/model/live.js";
import type { Op } from "../../src/plan/op.js";
import { opFromText } from "../plan/op-from-text.js";

const op = (text: string, tool: Op["tool"] = "ip", ns = "host"): Op => opFromText(1, "host", ns, text, { tool });

describe("ownedNamespaces", () => {
  it("names the namespaces the project's applied ops created, and nothing else", () => {
    const state = emptyProjectState("p");
    state.applied = [
      op("netns add lxc1"),
      op("link add lxc1_veth0 type veth peer name eth0 netns lxc1"),
      op("netns add web"),
      op("net.ipv4.ip_forward=1", "sysctl"),
    ];
    expect(ownedNamespaces(state)).toEqual(["lxc1", "web"]);
  });
});

describe("liveHostGateway", () => {
  it("is the host's IPv4 default gateway", () => {
    const live = emptyLiveState();
    live.routes.push({ ns: "lxc1", dst: "default", via: "192.0.2.9", family: 4 }, { ns: "host", dst: "default", via: "198.51.100.1", family: 4 });
    expect(liveHostGateway(live)).toBe("198.51.100.1");
  });
});
