import type { CodeInfo } from "../diagnostic.js";

/** NS5xx: the script against the live kernel state (plan time), and apply. */
export const liveCodes = [
  {
    code: "NS501",
    severity: "warning",
    message: "namespace `{name}` already exists and was not created by this project",
    explanation: "nsnet will use an existing namespace it did not create, and `down` will leave it in place.",
    example: "ns lab   # `ip netns add lab` was run by hand earlier",
  },
  {
    code: "NS502",
    severity: "error",
    message: "`{name}` already exists in namespace `{ns}` and is not ours",
    explanation: "A link the script would create exists already without this project's mark (alias `nsnet:<project>`): a look-alike nsnet must not touch.",
    example: "bridge br0   # a br0 made by someone else exists on the host",
  },
  {
    code: "NS503",
    severity: "error",
    message: "uplink `{name}` does not exist on the host",
    explanation: "An `uplink` names a host device that is not there; nsnet never creates uplinks.",
    example: "uplink eth9",
  },
  {
    code: "NS504",
    severity: "error",
    message: "address {addr} is already on `{where}`, which is not ours",
    explanation: "The address the script assigns is in use on a device of the host (or of that namespace) that nsnet did not create.",
    example: "uplink eth0\nns a < macvlan on eth0; addr 192.0.2.10/24 >   # the host has 192.0.2.10",
  },
  {
    code: "NS505",
    severity: "error",
    message: "`{name}` does not exist in namespace `{ns}` ({use})",
    explanation: "A device the script builds on (a macvlan/ipvlan/vlan parent, a device to `move`) is neither created by the script nor present.",
    example: "ns a < macvlan on host:enp9s0 >",
  },
  {
    code: "NS506",
    severity: "error",
    message: "the host already has a route to {dst} ({existing}), which is not ours",
    explanation:
      "A host route of the script has the destination of a route someone else made: the kernel would refuse to add it (File exists), and nsnet never replaces a route it did not create.",
    example: "host < route default via 192.0.2.254 >   # the host routes default via 192.0.2.1",
  },
  {
    code: "NS507",
    severity: "error",
    message: "existing bridge `{name}` does not exist on the host",
    explanation: "`bridge NAME existing` uses a bridge someone else made (lxc-net's lxcbr0, libvirt's virbr0); nsnet never creates it.",
    example: "bridge lxcbr0 existing   # lxc-net is not running: there is no lxcbr0",
  },
  {
    code: "NS508",
    severity: "error",
    message: "`{name}` exists but is a {kind} link, not a bridge",
    explanation: "`bridge NAME existing` attaches ports to a bridge; a link of another kind cannot take them.",
    example: "bridge eth0 existing   # eth0 is a NIC, not a bridge",
  },
] as const satisfies readonly CodeInfo[];
