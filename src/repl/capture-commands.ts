import { HOST } from "../model/topology.js";
import { primaryAddresses, substituteNames } from "./addresses.js";
import type { Outcome } from "./outcome.js";
import { captureLabel, parseCapture } from "./capture.js";
import { existingNonFile } from "./capture-file.js";
import { countersText } from "./counters.js";
import { ReplProbes } from "./probes.js";

/** how long `capture` waits for tcpdump to say it is listening before going on anyway */
const CAPTURE_START_MS = 3_000;

/** The REPL's `capture NS:IF`, `.capture` and `.counters`. */
export abstract class ReplCaptures extends ReplProbes {
  /** `capture NS:IF [-w FILE.pcap] [FILTER…]`: tcpdump's lines, prefixed with NS:IF, are
   *  printed as they come while the prompt takes input; `.capture off` stops it. */
  protected async capture(rest: string): Promise<Outcome> {
    const req = parseCapture(rest);
    if (typeof req === "string") return this.refuse(req);
    const label = captureLabel(req);
    if (this.captures.has(label)) return this.refuse(`a capture on ${label} is running (.capture off ${label} stops it)`);
    if (req.ns !== HOST && !this.knownNamespaces().includes(req.ns)) {
      const live = await this.readLive().catch(() => undefined);
      if (!live?.namespaces.includes(req.ns)) return this.refuse(`no namespace ${req.ns}`);
    }
    if (req.file !== undefined) {
      const bad = existingNonFile(req.file);
      if (bad) return this.refuse(bad);
    }
    if (!this.engine.capture) return this.refuse("capture is not available here");
    const primary = primaryAddresses(this.compiled?.addressed);
    let listening: () => void = () => {};
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const started = this.engine.capture({ ...req, filter: substituteNames(req.filter, primary) }, (line, fromStderr) => {
      // tcpdump says "listening on IF" once its socket is open: only then is a packet sent
      // after our "capturing" line sure to be seen
      if (fromStderr && line.startsWith("tcpdump: listening on ")) return listening();
      // the rest of its stderr (errors, the summary) is kept: it says why it stopped
      const text = `${this.paint("dim", `[${label}]`)} ${line}\n`;
      if (fromStderr) this.io.err(text);
      else this.io.out(text);
    });
    if (typeof started === "string") return this.refuse(started);
    this.captures.set(label, started);
    const ended = started.done.then((code) => {
      if (this.captures.get(label) === started) this.captures.delete(label);
      return code;
    });
    const first = await Promise.race([
      ready.then(() => "listening" as const),
      ended,
      new Promise<"slow">((r) => setTimeout(() => r("slow"), CAPTURE_START_MS).unref()),
    ]);
    if (typeof first === "number") return this.refuse(`tcpdump on ${label} ended at once (exit ${first})`);
    this.io.out(`${this.paint("ok", "capturing")} on ${label}${req.file ? ` into ${req.file}` : ""} (.capture off stops it)\n`);
    return "ok";
  }

  /** `.counters`: nft's counters on the NAT and partition rules */
  async counters(): Promise<Outcome> {
    if (!this.engine.firewall) return this.refuse(".counters is not available here");
    this.io.out(countersText(await this.engine.firewall()));
    return "ok";
  }

  /** `.capture off [NS:IF]` stops captures; `.capture` lists them. */
  async captureCommand(arg: string): Promise<Outcome> {
    const words = arg.split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      this.io.out(this.captures.size ? `${[...this.captures.keys()].map((l) => `capturing on ${l}`).join("\n")}\n` : "no capture running\n");
      return "ok";
    }
    if (words[0] !== "off" || words.length > 2) return this.refuse("usage: .capture off [NS:IF]   (capture NS:IF [FILTER…] starts one)");
    const which = words[1] === undefined ? [...this.captures.keys()] : [words[1]];
    if (words[1] !== undefined && !this.captures.has(words[1])) return this.refuse(`no capture on ${words[1]}`);
    await this.stopCaptures(which);
    this.io.out(which.length ? `stopped ${which.join(", ")}\n` : "no capture running\n");
    return "ok";
  }

  /** Stops captures (all by default); the REPL calls it when it ends. */
  async stopCaptures(which: readonly string[] = [...this.captures.keys()]): Promise<void> {
    await Promise.all(
      which.map(async (l) => {
        const c = this.captures.get(l);
        this.captures.delete(l);
        await c?.stop();
      }),
    );
  }
}
