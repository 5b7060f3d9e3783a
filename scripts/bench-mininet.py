#!/usr/bin/python3
# Mininet's side of the apply benchmark (run by bench-star.mjs inside a fresh sandbox):
# star N with a Linux bridge and no controller — N hosts on switch s1, each given an
# address of 2001:db8:100::/64 and a default route via the switch's address, the same
# workload as nsnet's. Prints "built" when the network is up and configured, then verifies
# every host (untimed), stops the network and prints one JSON line.
import json
import sys

from mininet.net import Mininet
from mininet.nodelib import LinuxBridge
from mininet.topo import Topo

n = int(sys.argv[1])
GW = "2001:db8:100::1"

# Mininet's init raises machine-wide limits (fs.file-max, kernel.pty.max, …) through
# /proc/sys; the benchmark never changes the machine, so it is skipped.
Mininet.inited = True


class Star(Topo):
    def build(self):
        s1 = self.addSwitch("s1")
        for i in range(1, n + 1):
            # ip=None: no IPv4 from Mininet's 10.0.0.0/8; the address is set below
            self.addLink(self.addHost("c%d" % i, ip=None), s1)


net = Mininet(topo=Star(), switch=LinuxBridge, controller=None, autoSetMacs=False, waitConnected=False)
net.start()
net.get("s1").cmd("ip addr add %s/64 dev s1" % GW)
for i, h in enumerate(net.hosts, start=1):
    h.cmd("ip addr add 2001:db8:100::%x/64 dev %s-eth0 && ip -6 route add default via %s" % (i + 1, h.name, GW))
print("built", flush=True)

verified = True
for i, h in enumerate(net.hosts, start=1):
    out = h.cmd("ip -j addr show; echo; ip -j -6 route show default")
    addrs, routes = (json.loads(part) for part in out.strip().split("\n") if part.strip())
    up = {l["ifname"]: "UP" in l["flags"] for l in addrs}
    v6 = [a["local"] for l in addrs for a in l.get("addr_info", []) if a["local"].startswith("2001:db8:100:")]
    if not up.get("lo") or not up.get("%s-eth0" % h.name) or v6 != ["2001:db8:100::%x" % (i + 1)] or not any(r.get("gateway") == GW for r in routes):
        verified = "%s: %s %s %s" % (h.name, up, v6, routes)
        break
net.stop()
print(json.dumps({"verified": verified}))
