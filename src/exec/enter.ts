import { availableParallelism } from "node:os";
import { HOST } from "../model/topology.js";

/**
 * How nsnet's own commands get into a named namespace: `nsenter --net=/run/netns/NS CMD`
 * (nsnet's helper, helper.ts, enters many at once with setns(2) where it runs).
 *
 * `ip -n NS` and `ip netns exec NS` also unshare the mount namespace and remount /sys, which
 * copies the whole mount table — and every named namespace is a mount, so with N of them
 * each entry costs O(N) and building N namespaces O(N²). `ip`, `sysctl` (/proc/sys/net
 * follows the caller's network namespace) and `nft` only need the network namespace.
 * Users' commands (`run in`, `exec`) still go through `ip netns exec`, which also gives
 * them /etc/netns/NS and a /sys of their namespace.
 */

/** Where `ip netns add` mounts named namespaces (iproute2's NETNS_RUN_DIR; /var/run is /run). */
export const NETNS_RUN_DIR = "/run/netns";

/** `--net=` argument naming a namespace's mount. */
export function netnsPathOption(ns: string): string {
  return `--net=${NETNS_RUN_DIR}/${ns}`;
}

/** argv that runs `argv` in place NS (HOST: as is). */
export function enterArgv(ns: string, argv: readonly string[]): string[] {
  return ns === HOST ? [...argv] : ["nsenter", netnsPathOption(ns), "--", ...argv];
}

/** `ip [FLAGS] -batch -` in a place. */
export function ipBatchIn(ns: string, flags: readonly string[] = []): string[] {
  return enterArgv(ns, ["ip", ...flags, "-batch", "-"]);
}

/** What nsenter says when the namespace's mount is gone (deleted since it was listed). */
export function isMissingNamespace(stderr: string): boolean {
  return /^nsenter: cannot open .*: No such file or directory/m.test(stderr);
}

/**
 * Processes in flight when every place gets its own: one per core, at least two. Node's
 * spawn is synchronous (fork + exec on the main thread), so one child runs while the next
 * is forked; more in flight than cores only queues them in the kernel.
 */
export function placeConcurrency(): number {
  return Math.max(2, availableParallelism());
}
