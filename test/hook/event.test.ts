import { describe, it, expect } from "vitest";
import { describeEvent, eventFromEnv, EventError, ignoredWhy, isActionable } from "../../src/hook/event.js";
import { hookKey, hooksRoot } from "../../src/hook/state-key.js";

// what systemd-udevd puts in a RUN program's environment for a veth coming up
const UDEV = {
  ACTION: "add",
  DEVPATH: "/devices/virtual/net/lxc1_veth0",
  SUBSYSTEM: "net",
  INTERFACE: "lxc1_veth0",
  IFINDEX: "7",
  SEQNUM: "4242",
  USEC_INITIALIZED: "123",
};

describe("the udev event from the environment", () => {
  it("reads ACTION, INTERFACE, IFINDEX, DEVPATH, SUBSYSTEM", () => {
    const e = eventFromEnv(UDEV);
    expect(e).toEqual({ action: "add", iface: "lxc1_veth0", ifindex: 7, devpath: "/devices/virtual/net/lxc1_veth0", subsystem: "net" });
    expect(isActionable(e)).toBe(true);
    expect(describeEvent(e)).toBe("add lxc1_veth0 (ifindex 7)");
  });

  it("acts on add and remove of network devices only", () => {
    expect(isActionable(eventFromEnv({ ...UDEV, ACTION: "change" }))).toBe(false);
    expect(isActionable(eventFromEnv({ ...UDEV, ACTION: "move" }))).toBe(false);
    expect(isActionable(eventFromEnv({ ...UDEV, SUBSYSTEM: "block" }))).toBe(false);
    expect(isActionable(eventFromEnv({ ...UDEV, ACTION: "remove" }))).toBe(true);
  });

  it("an event without SUBSYSTEM is no net event: nothing runs, and the reason is worth a log line", () => {
    const { SUBSYSTEM: _s, ...bare } = UDEV;
    const e = eventFromEnv(bare);
    expect(isActionable(e)).toBe(false);
    expect(ignoredWhy(e)).toMatch(/^no SUBSYSTEM in the environment, so not a net event: ignored/);
    expect(ignoredWhy(eventFromEnv(UDEV))).toBeUndefined();
    expect(isActionable(eventFromEnv({ ...UDEV, SUBSYSTEM: "" }))).toBe(false);
  });

  it("refuses an environment udev would not give", () => {
    expect(() => eventFromEnv({})).toThrow(/ACTION and INTERFACE not set/);
    expect(() => eventFromEnv({ ...UDEV, INTERFACE: "a/b" })).toThrow(EventError);
    expect(() => eventFromEnv({ ...UDEV, INTERFACE: "x".repeat(16) })).toThrow(/16 bytes/);
    expect(() => eventFromEnv({ ...UDEV, IFINDEX: "7; rm" })).toThrow(/not an interface index/);
    expect(() => eventFromEnv({ ...UDEV, IFINDEX: "0" })).toThrow(/not an interface index/);
    expect(eventFromEnv({ ...UDEV, IFINDEX: "" }).ifindex).toBeUndefined();
  });
});

describe("the per-interface record", () => {
  it("is keyed by the interface name, readable when it can be, never colliding", () => {
    expect(hookKey("lxc1_veth0")).toBe("if-lxc1_veth0");
    expect(hookKey("eth0.5")).toMatch(/^ix-eth0_5-[0-9a-f]{8}$/);
    expect(hookKey("eth0.5")).not.toBe(hookKey("eth0_5"));
    expect(hookKey("eth0.5")).not.toBe(hookKey("eth0+5"));
    for (const n of ["lxc1_veth0", "eth0.5", "ä-very-long.x", "x".repeat(15)]) expect(hookKey(n)).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(hooksRoot("/run/nsnet", "card-1234abcd")).toBe("/run/nsnet/card-1234abcd/hooks");
  });
});
