import { LLkLookaheadStrategy, type ILookaheadStrategy } from "chevrotain";

type AlternationOptions = Parameters<ILookaheadStrategy["buildLookaheadForAlternation"]>[0];
type OptionalOptions = Parameters<ILookaheadStrategy["buildLookaheadForOptional"]>[0];

/**
 * Chevrotain's LL(k) lookahead, with each decision's function built the first time the
 * parser reaches that decision instead of for every OR/MANY/OPTION of the grammar while
 * the parser is built. That analysis was the largest part of building the parser (~15 ms
 * of every start-up, measured in docs/startup.md), and a hook or a one-line check reaches
 * a handful of the grammar's decisions. The functions built are chevrotain's own, so
 * what the parser decides is unchanged; validation (tests only) is inherited as is.
 */
export class LazyLookahead extends LLkLookaheadStrategy {
  override buildLookaheadForAlternation(options: AlternationOptions): ReturnType<ILookaheadStrategy["buildLookaheadForAlternation"]> {
    let built: ReturnType<ILookaheadStrategy["buildLookaheadForAlternation"]> | undefined;
    const build = () => {
      built ??= super.buildLookaheadForAlternation(options);
      return built;
    };
    return function (this: unknown, alts) {
      return build().call(this, alts);
    };
  }

  override buildLookaheadForOptional(options: OptionalOptions): ReturnType<ILookaheadStrategy["buildLookaheadForOptional"]> {
    let built: ReturnType<ILookaheadStrategy["buildLookaheadForOptional"]> | undefined;
    const build = () => {
      built ??= super.buildLookaheadForOptional(options);
      return built;
    };
    return function (this: unknown) {
      return build().call(this);
    };
  }
}
