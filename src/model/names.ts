/**
 * Name rules (docs/architecture.md §8), shared by every phase that lets a name reach argv or a batch
 * file: the expander, the checker, the CNI plugin, the runner's callers.
 * Validators return null when the name is fine, else the reason (a phrase that completes
 * "… is not a valid X: REASON"), so callers can put it in a diagnostic or an error JSON.
 */

/** The kernel's IFNAMSIZ is 16 including the terminating NUL. */
export const IFNAME_MAX_BYTES = 15;
export const NSNAME_MAX = 64;

const encoder = new TextEncoder();

export function byteLength(s: string): number {
  return encoder.encode(s).length;
}

/** Interface names: 1–15 bytes (UTF-8), no '/', ':', whitespace, NUL or '%', not '.'/'..'. */
export function validateIfName(s: string): string | null {
  if (s.length === 0) return "it is empty";
  const bytes = byteLength(s);
  if (bytes > IFNAME_MAX_BYTES) return `it is ${bytes} bytes long, the kernel allows at most ${IFNAME_MAX_BYTES}`;
  if (s === "." || s === "..") return `\`${s}\` is reserved by the kernel`;
  // net.ipv4.conf.all / .default name every interface: the kernel refuses links named so
  if (s === "all" || s === "default") return `\`${s}\` is reserved by the kernel (it names every interface in /proc/sys/net/*/conf/)`;
  // '%' is refused because the kernel treats `eth%d` as a template for "next free number".
  const bad = /[/:%\s\0]/u.exec(s);
  if (bad) return `it contains ${describeChar(bad[0])}`;
  return refusedChars(s, NAME_CHAR) ?? doubleDot(s);
}

/**
 * What a name must not look like, so that it reads back as the one word it is: `..` is the
 * language's range operator (`1..10`, a word ends there), a lone `-` its minus, and digits
 * with dots (`1.2`) an IPv4 address.
 */
function doubleDot(s: string): string | null {
  if (s.includes("..")) return "it contains '..' (nsnet reads it as a range, as in 1..10)";
  if (s === "-") return "a lone '-' is a minus sign in nsnet";
  if (/^\d+(?:\.\d+)+$/.test(s)) return "it has the shape of an IPv4 address (digits and dots)";
  return null;
}

/**
 * The one allowlist of name characters (DESIGN §1.5), for every entry: the language, both
 * importers, the CNI environment and netconf, udev events. ASCII letters, digits, `_`, `.`, `-`;
 * a pattern (`ve-+`, `lxc*`) adds `+` and `*`. Everything else — `#`, `;`, `<`, `>`,
 * quotes, `\`, `$`, control characters — is something a batch line, a comment or the
 * language itself would read otherwise, so it is never part of a name. (The kernel takes
 * almost any byte; nsnet takes only what it can print back safely as a bare word.)
 */
const NAME_CHAR = /[^A-Za-z0-9_.-]/u;
const PATTERN_CHAR = /[^A-Za-z0-9_.+*-]/u;
/** udev's KERNEL=="…" globs (src/hook/glob.ts): `*`, `?`, `[a-z]`, `[!…]`/`[^…]`, `|` */
const GLOB_CHAR = /[^A-Za-z0-9_.+*?[\]!^|-]/u;
const ALLOWED = "letters, digits, '_', '.', '-' only";

function refusedChars(s: string, re: RegExp): string | null {
  const bad = re.exec(s);
  if (!bad) return null;
  const extra = re === PATTERN_CHAR ? ", and '+' or '*' in a pattern" : re === GLOB_CHAR ? ", and * ? [ ] ! ^ | in a pattern" : "";
  return `it contains ${describeChar(bad[0])} (${ALLOWED}${extra})`;
}

/**
 * An interface-name pattern: a name that may hold `+`/`*` (`nat from ve-+`), or with
 * `glob`, udev's wildcards too (`on add "lxc*_veth0|ve-*"`).
 */
export function validateIfPattern(s: string, o: { glob?: boolean } = {}): string | null {
  const re = o.glob ? GLOB_CHAR : PATTERN_CHAR;
  const plain = validateIfName(s.replace(o.glob ? /[+*?[\]!^|]/g : /[+*]/g, "x"));
  if (plain !== null && !plain.startsWith("it contains")) return plain;
  return refusedChars(s, re) ?? plain;
}

/** Whether a name (interface or namespace) keeps to the allowlist, for callers that only need yes/no. */
export function isAllowedName(s: string): boolean {
  return s.length > 0 && !NAME_CHAR.test(s) && doubleDot(s) === null;
}

/**
 * Namespace names become file names under /run/netns and arguments of `ip -n`;
 * an all-digit name would be read by `ip -n 1234` as a process id, and "host" means the
 * root namespace in nsnet.
 */
export function validateNsName(s: string): string | null {
  if (s.length === 0) return "it is empty";
  if (s === "." || s === "..") return `\`${s}\` is a directory name`;
  if (s.length > NSNAME_MAX) return `it is ${s.length} characters long, at most ${NSNAME_MAX} are allowed`;
  if (/^[0-9]+$/.test(s)) return "it is all digits (`ip -n 1234` would read it as a process id)";
  if (s === "host") return "`host` is the root namespace, reserved";
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s)) {
    if (!/^[A-Za-z0-9_]/.test(s)) return `it starts with ${describeChar(s[0]!)}`;
    const bad = /[^A-Za-z0-9_.-]/.exec(s)!;
    return `it contains ${describeChar(bad[0])} (letters, digits, '_', '.', '-' only)`;
  }
  return doubleDot(s);
}

/** Identifiers (pools, defs, parameters, variables): `[A-Za-z_][A-Za-z0-9_.-]*`. */
export function validateIdent(s: string): string | null {
  if (s.length === 0) return "it is empty";
  if (s.length > NSNAME_MAX) return `it is ${s.length} characters long, at most ${NSNAME_MAX} are allowed`;
  if (!/^[A-Za-z_]/.test(s)) return `it starts with ${describeChar(s[0]!)}`;
  const bad = /[^A-Za-z0-9_.-]/.exec(s);
  if (bad) return `it contains ${describeChar(bad[0])}`;
  return null;
}

/**
 * `ip link add|set|del NAME …` takes a bare NAME only when it is not one of its own words:
 * iproute2's `ip link` parser (iplink_parse in ip/iplink.c) tries every keyword first, some
 * by exact match and some by prefix (`matches()`: any prefix of `address`, so `a`, `ad`,
 * `addr` … are `address`). A link named that way is read as the keyword — `veth dev as help`
 * made `ip` print its usage mid-batch. The lists are iproute2 6.x's; words of newer versions
 * only make the refusal wider.
 */
const IP_LINK_EXACT = [
  "up",
  "down",
  "name",
  "index",
  "dev",
  "mtu",
  "inet",
  "netns",
  "multicast",
  "allmulticast",
  "promisc",
  "trailers",
  "arp",
  "carrier",
  "vf",
  "vrf",
  "group",
  "mode",
  "state",
  "protodown",
  "protodown_reason",
  "brd",
  "qlen",
  "parentdev",
  "xdp",
  "xdpgeneric",
  "xdpdrv",
  "xdpoffload",
  "gso_max_size",
  "gso_max_segs",
  "gro_max_size",
  "gso_ipv4_max_size",
  "gro_ipv4_max_size",
] as const;
const IP_LINK_PREFIXED = [
  "link",
  "link-netns",
  "link-netnsid",
  "address",
  "addrgenmode",
  "alias",
  "broadcast",
  "txqueuelen",
  "txqlen",
  "master",
  "nomaster",
  "dynamic",
  "type",
  "numtxqueues",
  "numrxqueues",
  "help",
] as const;

/** The `ip link` keyword this interface name would be read as, or null. */
export function ipLinkKeyword(s: string): string | null {
  if ((IP_LINK_EXACT as readonly string[]).includes(s)) return s;
  return IP_LINK_PREFIXED.find((k) => s.length > 0 && k.startsWith(s)) ?? null;
}

/** A name nsnet may give an interface: valid for the kernel, and not an `ip link` word. */
export function isValidIfName(s: string): boolean {
  return validateIfName(s) === null && ipLinkKeyword(s) === null;
}

export function isValidNsName(s: string): boolean {
  return validateNsName(s) === null;
}

/**
 * Sysctl keys as written in nsnet: `net.ipv4.ip_forward`, `net.ipv4.conf.eth0.proxy_arp`.
 * They become a path under /proc/sys, so no '/' and no empty or '..' segment may sneak in.
 * (Interface names with '.' such as `eth0.10` are written with '/' in sysctl(8); nsnet
 * does not support that spelling.)
 */
export function validateSysctlKey(s: string): string | null {
  if (s.length === 0) return "it is empty";
  if (s.includes("/")) return "it contains '/' (write keys with dots: net.ipv4.ip_forward)";
  if (s.includes("..")) return "it contains '..'";
  const segments = s.split(".");
  if (segments.length < 2) return "it has a single segment (keys look like net.ipv4.ip_forward)";
  for (const seg of segments) {
    if (seg.length === 0) return "it has an empty segment";
    const bad = /[^A-Za-z0-9_-]/.exec(seg);
    if (bad) return `it contains ${describeChar(bad[0])}`;
  }
  return null;
}

/**
 * Whether a key belongs to a network namespace. Only `net.*` does: every other tree under
 * /proc/sys (kernel, vm, fs, …) is one for the whole machine, so writing it "inside" a
 * namespace changes the host. (The net.* keys a namespace does not own are not even
 * writable there, so net.* is safe to allow.)
 */
export function isNamespacedSysctl(key: string): boolean {
  return key.startsWith("net.");
}

/** Values are written into /proc/sys as one line. */
export function validateSysctlValue(s: string): string | null {
  if (s.length === 0) return "it is empty";
  if (/[\n\r\0]/.test(s)) return "it contains a line break or NUL";
  return null;
}

/** A network namespace given by path (CNI_NETNS: a /run/netns bind mount, /proc/PID/ns/net):
 *  it goes into `nsenter --net=PATH` and `ip link … netns PATH`, so plain path characters
 *  only (no spaces, quotes, `#` or backslashes for ip's batch tokenizer), no `..`. */
const NETNS_PATH = /^\/[A-Za-z0-9_.:@+=,/-]*$/;

export function validateNetnsPath(p: string): string | null {
  if (p.length > 4096) return "it is too long";
  if (!NETNS_PATH.test(p)) return "it must be an absolute path of letters, digits and _ . : @ + = , / -";
  if (p.split("/").some((seg) => seg === "..")) return "it contains a `..` segment";
  return null;
}

/** A character for a message: named, or escaped when it is not printable (never raw). */
export function describeChar(c: string): string {
  if (c === "\0") return "a NUL byte";
  if (c === " ") return "a space";
  if (c === "\t") return "a tab";
  if (c === "\n" || c === "\r") return "a line break";
  if (/\s/u.test(c)) return `whitespace (${escapeChar(c)})`;
  if (/[\p{C}\p{Z}]/u.test(c)) return `the control character ${escapeChar(c)}`;
  return `'${c}'`;
}

/** `\x1b`, `\u200e`: how a character that must not reach a terminal raw is shown. */
function escapeChar(c: string): string {
  const n = c.codePointAt(0)!;
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u{${n.toString(16)}}`;
}

/**
 * Text from a file, an environment or the kernel, made safe for a message or a comment on
 * one line: control and format characters (ESC, BEL, line breaks, bidi overrides) and
 * separators other than the plain space, shown as their escapes; everything else as it is.
 */
export function escapeText(s: string): string {
  return s.replace(/(?! )[\p{C}\p{Z}]/gu, escapeChar);
}
