import { emptyLiveState, type LiveAddr, type LiveLink, type LiveState } from "../../src/model/live.js";

/** A kernel snapshot written by hand: what `ip -j` would have shown. */
export class LiveFake {
  readonly state: LiveState = emptyLiveState();
  private nextIndex = 1;

  netns(...names: string[]): this {
    this.state.namespaces.push(...names);
    return this;
  }

  link(ns: string, name: string, opts: Partial<Omit<LiveLink, "ns" | "name">> = {}): this {
    this.state.links.push({ ns, name, ifindex: this.nextIndex++, kind: "", up: true, ...opts });
    return this;
  }

  addr(ns: string, dev: string, cidr: string): this {
    const a: LiveAddr = { ns, dev, cidr };
    this.state.addrs.push(a);
    return this;
  }
}
