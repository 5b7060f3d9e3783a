import { listNamespaces, readLive } from "../exec/live.js";
import type { Runner } from "../exec/runner.js";
import type { LiveState } from "../model/live.js";
import { HOST, type AddressedTopology } from "../model/topology.js";
import { netFromTopology, sysctlKeysFor, why, type Net, type WhyResult } from "../why/index.js";

/**
 * `why` with the kernel: the live state of the script's namespaces (addresses, routes,
 * proxy neighbours, link states, and the forwarding and proxy-ARP sysctls of every link),
 * read only when at least one of them exists — else there is nothing live to read and the
 * model alone answers. Reading namespaces needs root; the caller decides whether to try.
 */
export async function liveForWhy(net: Net, runner: Runner): Promise<LiveState | undefined> {
  const present = new Set(await listNamespaces(runner));
  const places = net.places.filter((p) => p !== HOST && present.has(p));
  if (!places.length) return undefined;
  const sysctls = [HOST, ...places].flatMap((ns) => sysctlKeysFor(net, ns).map((key) => ({ ns, key })));
  return readLive(runner, { namespaces: places, sysctls });
}

export async function whyWithKernel(t: AddressedTopology, a: string, b: string, runner: Runner): Promise<WhyResult | string> {
  const net = netFromTopology(t);
  const live = await liveForWhy(net, runner);
  return why(t, a, b, live ? { live, net } : { net });
}
