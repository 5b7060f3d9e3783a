/**
 * Where the plugin keeps a network's state, and the lock that serialises every ADD, DEL,
 * CHECK and GC of one network (runtimes call plugins in parallel):
 *   <stateRoot>/<project>/lock               the project lock (exec/state-store)
 *   <stateRoot>/<project>/attachments.json   one record per (container ID, ifname)
 *   <allocRoot>/<project>/allocations.json   the sticky addresses (ipam/store-fs)
 * stateRoot: netconf `stateDir`, else NSNET_STATE_DIR, else /run/nsnet. allocRoot: ipam
 * `dataDir` (drop-in), else <stateDir>/allocations when a state dir is given, else
 * /var/lib/nsnet (addresses outlive a reboot, as host-local's do in /var/lib/cni).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { DEFAULT_STATE_ROOT, LockBusyError, StateStore } from "../exec/state-store.js";
import { readFileNoFollow, writeFileDurable } from "../exec/durable.js";
import { DEFAULT_ALLOCATION_ROOT, FsAllocationStore, allocationDir } from "../ipam/store-fs.js";
import { CNI_CODE, CniError } from "./errors.js";
import type { CniResult } from "./result.js";

export interface Attachment {
  containerId: string;
  ifname: string;
  netns: string;
  /** the host end of the container's veth (nsnet names it; `alias nsnet:<project>` marks it) */
  hostVeth: string;
  /** pending: ADD began (a crash leaves this, and the next ADD/DEL/GC cleans up after it) */
  state: "pending" | "ready";
  /** what this plugin added (without a chained prevResult), for CHECK */
  result?: CniResult;
  /** nsnet form: the container namespace's alias in the script (owner of its allocations) */
  alias?: string;
  /** the identity (`dev:ino`) of the namespace CNI_NETNS opened at ADD: DEL and CHECK act
   *  inside CNI_NETNS only while it still opens this one */
  netnsId?: string;
  /** the container's interface as ADD read it back: the only one DEL deletes there */
  link?: { ifindex: number; mac: string };
}

interface AttachmentsFile {
  version: 1;
  network: string;
  attachments: Record<string, Attachment>;
}

export const attachmentKey = (containerId: string, ifname: string) => `${containerId}/${ifname}`;

/** The project of a CNI network: `cni-` + its name (sanitised, cut) + a hash of the name. */
export function cniProject(network: string): string {
  const stem = network.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 16);
  const hash = createHash("sha256").update(network).digest("hex").slice(0, 8);
  return `cni-${stem}-${hash}`;
}

/** The host end of (network, container, ifname): stable, so a repeated DEL finds it. */
export function hostVethName(network: string, containerId: string, ifname: string): string {
  return `veth${createHash("sha256").update(`${network}\0${containerId}\0${ifname}`).digest("hex").slice(0, 8)}`;
}

export interface NetworkState {
  project: string;
  stateRoot: string;
  allocRoot: string;
  store: StateStore;
  allocations: FsAllocationStore;
  attachmentsPath: string;
}

export function networkState(network: string, opts: { stateDir?: string; dataDir?: string; env?: NodeJS.ProcessEnv }): NetworkState {
  const project = cniProject(network);
  const stateDir = opts.stateDir ?? (opts.env?.NSNET_STATE_DIR || undefined);
  const stateRoot = stateDir ?? DEFAULT_STATE_ROOT;
  const allocRoot = opts.dataDir ?? (stateDir ? join(stateDir, "allocations") : DEFAULT_ALLOCATION_ROOT);
  const store = new StateStore(project, stateRoot);
  return {
    project,
    stateRoot,
    allocRoot,
    store,
    allocations: new FsAllocationStore(allocationDir(project, allocRoot), { lockTimeoutMs: 60_000 }),
    attachmentsPath: join(store.dir, "attachments.json"),
  };
}

/** How long a command waits for the network's lock (ADDs of one network run one at a time;
 *  runtimes start dozens at once) before answering "try again later". */
const LOCK_WAIT_MS = 180_000;

/** Runs `fn` holding the network's lock; a lock that stays busy is "try again later". */
export async function withNetworkLock<T>(ns: NetworkState, fn: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await ns.store.lock({ waitMs: LOCK_WAIT_MS });
  } catch (e) {
    if (e instanceof LockBusyError) throw new CniError(CNI_CODE.tryAgainLater, e.message);
    throw new CniError(CNI_CODE.ioFailure, `cannot lock ${ns.store.lockPath}: ${(e as Error).message}`);
  }
  try {
    return await fn();
  } finally {
    await release();
  }
}

export async function readAttachments(ns: NetworkState, network: string): Promise<AttachmentsFile> {
  let text: string | null;
  try {
    // never through a symlink planted in the state directory (as every nsnet state file)
    text = await readFileNoFollow(ns.attachmentsPath);
  } catch (e) {
    throw new CniError(CNI_CODE.ioFailure, `cannot read ${ns.attachmentsPath}: ${(e as Error).message}`);
  }
  if (text === null) return { version: 1, network, attachments: {} };
  try {
    const v = JSON.parse(text) as AttachmentsFile;
    if (v.version !== 1 || typeof v.attachments !== "object" || v.attachments === null) throw new Error("not an attachments file");
    return v;
  } catch (e) {
    // (never JSON.parse's message: it quotes the file, and this error may reach pod events)
    const why = e instanceof SyntaxError ? "not JSON" : (e as Error).message;
    throw new CniError(CNI_CODE.ioFailure, `${ns.attachmentsPath} is corrupt (${why}); move it away to start afresh`);
  }
}

export async function writeAttachments(ns: NetworkState, file: AttachmentsFile): Promise<void> {
  await ns.store.ensureDir();
  await writeFileDurable(ns.attachmentsPath, JSON.stringify(file, null, 2) + "\n");
}
