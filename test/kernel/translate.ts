/**
 * Seed recipes keep their original addresses (for check/plan); applied in the sandbox they
 * are translated into the documentation ranges first, and a test refuses any other IPv4
 * literal. Shared by the examples test and the show round trip.
 */
export type Rule = [RegExp, string | ((...m: string[]) => string)];
export const TRANSLATE: Record<string, Rule[]> = {
  "card.nsnet": [
    [/1\.1\.128\.(\d+)\/20/g, "198.51.100.$1/24"],
    [/1\.1\.128\./g, "198.51.100."],
  ],
  "routed-proxyarp.nsnet": [
    [/1\.1\.128\.(\d+)\/20/g, "198.51.100.$1/24"],
    [/1\.1\.128\./g, "198.51.100."],
    // two transit /24s become two /28s of 203.0.113.0/24
    [/10\.0\.1\.(\d+)\/24/g, "203.0.113.$1/28"],
    [/10\.0\.2\.(\d+)\/24/g, (_m, h) => `203.0.113.${16 + Number(h)}/28`],
    [/10\.0\.1\.(\d+)/g, "203.0.113.$1"],
    [/10\.0\.2\.(\d+)/g, (_m, h) => `203.0.113.${16 + Number(h)}`],
  ],
  "cni-bridge.nsnet": [
    [/10\.22\.0\.0\/16/g, "192.0.2.0/24"],
    [/10\.22\.0\.1\/16/g, "192.0.2.1/24"],
    [/10\.22\.0\./g, "192.0.2."],
  ],
  "lxc-macvlan.nsnet": [
    [/1\.2\.3\.4\/24/g, "192.0.2.4/24"],
    [/192\.168\.1\.123\/24/g, "198.51.100.123/24"],
    [/10\.0\.0\.23/g, "203.0.113.23"],
    [/172\.2\.1\.3/g, "203.0.113.3"],
  ],
  "nixos-containers.nsnet": [
    [/10\.233\.\$n\.(\d+)\/24/g, (_m, h) => `203.0.113.\${n*16+${h}}/28`],
    [/10\.233\.\$n\.(\d+)/g, (_m, h) => `203.0.113.\${n*16+${h}}`],
  ],
  "vagga.nsnet": [
    [/172\.18\.192\.0\/19/g, "198.51.100.0/24"],
    [/172\.18\.255\./g, "203.0.113."],
    [/172\.18\.0\./g, "192.0.2."],
  ],
  "mirror-host.nsnet": [],
  "demo.nsnet": [],
  "udev-lxc.nsnet": [],
};

/**
 * Examples that assume the host's uplink is already configured (as on a real machine): the
 * sandbox's host needs it said, and the `lan` namespace then holds the gateway.
 */
export const HOST_UPLINK: Record<string, string> = {
  "vagga.nsnet": "host < addr 203.0.113.130/25 on eth0; route default via 203.0.113.129 >\n",
};

const DOC = new Set(["192.0.2", "198.51.100", "203.0.113"]);

export function translate(name: string, text: string): string {
  let out = text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .join("\n");
  for (const [re, to] of TRANSLATE[name]!) out = out.replace(re, to as string);
  return out + (HOST_UPLINK[name] ?? "");
}

export function foreignLiterals(text: string): string[] {
  // every address's first three octets, and any address still templated in its third
  const prefixes = text.match(/\b\d{1,3}\.\d{1,3}\.(\d{1,3}\b|\$)/g) ?? [];
  return prefixes.filter((p) => !DOC.has(p));
}
