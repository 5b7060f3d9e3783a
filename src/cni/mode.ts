import type { ModeContext } from "./common.js";
import type { NetConf } from "./netconf.js";
import type { CniResult } from "./result.js";

// The contract between plugin.ts and each form (bridge.ts, nsnet-form.ts), in a module of
// its own so that the forms, which plugin.ts loads, need not import plugin.ts.

/** What ADD prints, made from this plugin's part: the chained prevResult merged in. An ADD
 *  calls it before it records the attachment as ready, so a failure here is rolled back. */
export type Finish = (mine: Omit<CniResult, "cniVersion">) => string;

/** One netconf form's implementation of the commands (VERSION needs none). */
export interface Mode<C extends NetConf> {
  add(conf: C, ctx: ModeContext, finish: Finish): Promise<string>;
  del(conf: C, ctx: ModeContext): Promise<void>;
  check(conf: C, ctx: ModeContext): Promise<void>;
  gc(conf: C, ctx: ModeContext): Promise<void>;
  status(conf: C, ctx: ModeContext): Promise<void>;
}
