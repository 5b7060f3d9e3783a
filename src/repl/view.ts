import { addrsView, graphView, linksView, nodesView } from "./views.js";
import { helpText } from "./commands.js";
import type { Outcome } from "./outcome.js";
import { ReplCaptures } from "./capture-commands.js";

/** The REPL's views and switches: `.nodes`, `.links`, `.addrs`, `.graph`, `.show`, `.dry`, `.verbose`, `.echo`, `.help`, `.exit`. */
export abstract class ReplViews extends ReplCaptures {
  help(): Outcome {
    this.io.out(helpText());
    return "ok";
  }

  exit(): Outcome {
    this.exitRequested = true;
    return "ok";
  }

  async nodes(): Promise<Outcome> {
    this.io.out(nodesView(this.topology(), await this.readLive().catch(() => undefined)));
    return "ok";
  }

  links(): Outcome {
    this.io.out(linksView(this.topology()));
    return "ok";
  }

  addrs(): Outcome {
    this.io.out(addrsView(this.topology()));
    return "ok";
  }

  graph(): Outcome {
    this.io.out(graphView(this.topology()));
    return "ok";
  }

  protected onOff(what: "dry" | "verbose" | "echo", arg: string): boolean | undefined {
    if (arg === "on") return true;
    if (arg === "off") return false;
    if (arg === "") return this[what];
    this.io.err(`usage: .${what} [on|off]\n`);
    return undefined;
  }

  setDry(arg: string): Outcome {
    const on = this.onOff("dry", arg);
    if (on === undefined) return "refused";
    this.dry = on;
    const pending = this.stagedEntries.length ? `; ${this.stagedEntries.length} staged (.apply runs them)` : "";
    this.io.out(`dry mode ${on ? "on" : "off"}${pending}\n`);
    return "ok";
  }

  setVerbose(arg: string): Outcome {
    const on = this.onOff("verbose", arg);
    if (on === undefined) return "refused";
    this.verbose = on;
    this.io.out(`verbose ${on ? "on: every op is listed" : "off: one line per statement"}\n`);
    return "ok";
  }

  setEcho(arg: string): Outcome {
    const on = this.onOff("echo", arg);
    if (on === undefined) return "refused";
    this.echo = on;
    this.io.out(`echo ${on ? "on: each input is shown before it runs" : "off"}\n`);
    return "ok";
  }

  /** `.show [NS…]`: what `nsnet show [NS…]` prints — the engine's one code path for both,
   *  sysctls and nft tables read, so `proxyarp`, `nat` and the rest come out the same. */
  async show(arg: string): Promise<Outcome> {
    const r = await this.engine.show(arg.split(/\s+/).filter(Boolean));
    if (!r.ok) {
      this.io.err(`${this.paint("error", "error")}: ${r.message}\n`);
      return "refused";
    }
    this.io.out(r.text);
    return "ok";
  }
}
