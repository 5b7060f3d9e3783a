import type { CodeInfo } from "../diagnostic.js";

/**
 * NS24x: `nsnet import lxc|cni FILE` — a key or value of an LXC config or a CNI netconf that
 * the importer refuses, at the key and line that hold it (exit 2). They come from input
 * files, never from an nsnet script (test/import/).
 */
export const importCodes = [
  {
    code: "NS240",
    severity: "error",
    message: "{key}: {value} is not a valid {what}: {reason}",
    explanation:
      "A name from the config is outside the one allowlist of name characters (letters, digits, '_', '.', '-'), or otherwise not one nsnet could give a namespace or an interface; nothing is translated.",
    example: "lxc.net.0.type = veth\nlxc.net.0.name = e#x",
  },
  {
    code: "NS241",
    severity: "error",
    message: "{key}: {reason}",
    explanation:
      "The config asks for something nsnet cannot express (an unknown key, a type or mode it has no statement for); the import stops rather than leave it out.",
    example: "lxc.net.0.type = veth\nlxc.net.0.script.up = /bin/true",
  },
  {
    code: "NS242",
    severity: "error",
    message: "{key}: {reason}",
    explanation: "The file is not a well-formed config of its kind (not KEY = VALUE, not JSON, a value of the wrong form, a key missing that another needs).",
    example: "lxc.net.0.type = veth\nlxc.net.0.mtu = big",
  },
] as const satisfies readonly CodeInfo[];
