import { isValidIfName, isValidNsName } from "../model/names.js";

/**
 * `capture NS:IF [-w FILE.pcap] [FILTER…]` (pure): what the words mean and the argv that
 * runs tcpdump in NS. Nothing here reaches a shell, and no word the user typed can become
 * a tcpdump option: every filter word is one of the shapes below (no leading `-`), and the
 * filter goes after `--`.
 */
export interface CaptureRequest {
  ns: string;
  dev: string;
  /** -w FILE: packets go to a pcap file instead of the terminal */
  file?: string;
  filter: string[];
}

/** A filter word: a keyword, a name, an address or prefix, a port, `proto[off]` shapes
 *  excluded; parentheses, `!`, `&&`, `||` stand alone. Never starts with `-`. */
const FILTER_WORD = /^(?:[A-Za-z0-9][A-Za-z0-9.:/_-]{0,63}|\(|\)|!|&&|\|\||and|or|not)$/;

/** FILE for -w: a plain path ending in .pcap/.pcapng, no control characters, no leading `-`. */
const PCAP_FILE = /^(?!-)[^\0-\x1f\x7f]{1,200}\.pcap(?:ng)?$/;

export function parseCapture(rest: string): CaptureRequest | string {
  const words = rest.trim().split(/\s+/).filter(Boolean);
  const target = words.shift();
  const usage = "usage: capture NS:IF [-w FILE.pcap] [FILTER…]   (.capture off stops it)";
  if (!target) return usage;
  const m = /^([^:]+):([^:]+)$/.exec(target);
  if (!m) return `${usage}: ${JSON.stringify(target)} is not NS:IF`;
  const [, ns, dev] = m as unknown as [string, string, string];
  if (ns !== "host" && !isValidNsName(ns)) return `invalid namespace name ${JSON.stringify(ns)}`;
  if (!isValidIfName(dev)) return `invalid interface name ${JSON.stringify(dev)}`;
  let file: string | undefined;
  if (words[0] === "-w") {
    words.shift();
    const f = words.shift();
    if (f === undefined || !PCAP_FILE.test(f)) return "-w takes a file name ending in .pcap (no control characters, not starting with -)";
    file = f;
  }
  for (const w of words) {
    if (!FILTER_WORD.test(w)) return `not a filter word tcpdump is given from here: ${JSON.stringify(w)} (words, addresses, ports, ( ) ! && ||)`;
  }
  return { ns, dev, ...(file === undefined ? {} : { file }), filter: words };
}

/** tcpdump in NS: -l line-buffered, -n no lookups (the sandbox has no DNS), -U a packet
 *  reaches the file as it is seen (a `.capture off` leaves a complete file), -Z root keeps
 *  the privileges it was started with (Debian's drops to user tcpdump, which cannot write
 *  the user's directory and does not exist in a rootless sandbox's user namespace). */
export function captureArgv(c: CaptureRequest, host: boolean): string[] {
  const tcpdump = ["tcpdump", "-l", "-n", "-Z", "root", "-i", c.dev, ...(c.file === undefined ? [] : ["-U", "-w", c.file]), "--", ...c.filter];
  return host ? tcpdump : ["ip", "netns", "exec", c.ns, ...tcpdump];
}

export function captureLabel(c: CaptureRequest): string {
  return `${c.ns}:${c.dev}`;
}
