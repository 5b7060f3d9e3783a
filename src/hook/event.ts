import { validateIfName } from "../model/names.js";

/**
 * A udev event as `RUN+=` hands it over: the device's properties in the environment
 * (ACTION, SUBSYSTEM, DEVPATH, and for network devices INTERFACE and IFINDEX).
 */
export interface HookEvent {
  /** "add" and "remove" are acted on; "change", "move", "bind", … match no handler */
  action: string;
  iface: string;
  ifindex?: number;
  devpath?: string;
  subsystem?: string;
}

export class EventError extends Error {}

/** Reads the event from an environment; an unusable one is an EventError (a usage error). */
export function eventFromEnv(env: NodeJS.ProcessEnv): HookEvent {
  const action = env.ACTION;
  const iface = env.INTERFACE;
  if (!action || !iface) {
    const missing = [!action && "ACTION", !iface && "INTERFACE"].filter(Boolean).join(" and ");
    throw new EventError(`${missing} not set: \`nsnet hook\` is run by udev (RUN+=), which sets ACTION, INTERFACE, IFINDEX, DEVPATH and SUBSYSTEM`);
  }
  const bad = validateIfName(iface);
  if (bad) throw new EventError(`INTERFACE=${JSON.stringify(iface)} is not an interface name: ${bad}`);
  const e: HookEvent = { action, iface };
  if (env.IFINDEX !== undefined && env.IFINDEX !== "") {
    const n = Number(env.IFINDEX);
    if (!/^[0-9]+$/.test(env.IFINDEX) || !Number.isSafeInteger(n) || n < 1)
      throw new EventError(`IFINDEX=${JSON.stringify(env.IFINDEX)} is not an interface index`);
    e.ifindex = n;
  }
  if (env.DEVPATH) e.devpath = env.DEVPATH;
  if (env.SUBSYSTEM) e.subsystem = env.SUBSYSTEM;
  return e;
}

/** Only network devices being added or removed can run a handler. udev always says which
 *  subsystem an event is about: one without SUBSYSTEM is no net event (the rules nsnet
 *  writes match SUBSYSTEM=="net"), so it runs nothing. */
export function isActionable(e: HookEvent): e is HookEvent & { action: "add" | "remove" } {
  return e.subsystem === "net" && (e.action === "add" || e.action === "remove");
}

/** Why an event runs nothing whatever the script says, when that is worth a log line: an
 *  event without SUBSYSTEM is not how udev runs a hook (someone tried it by hand?). */
export function ignoredWhy(e: HookEvent): string | undefined {
  if (e.subsystem === undefined) return "no SUBSYSTEM in the environment, so not a net event: ignored (udev sets SUBSYSTEM=net for network devices)";
  return undefined;
}

/** How the event reads in log lines: `add lxc1_veth0 (ifindex 7)`. */
export function describeEvent(e: HookEvent): string {
  return `${e.action} ${e.iface}${e.ifindex !== undefined ? ` (ifindex ${e.ifindex})` : ""}`;
}
