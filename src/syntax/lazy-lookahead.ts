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
    return builtOnFirstCall(() => super.buildLookaheadForAlternation(options));
  }

  override buildLookaheadForOptional(options: OptionalOptions): ReturnType<ILookaheadStrategy["buildLookaheadForOptional"]> {
    return builtOnFirstCall(() => super.buildLookaheadForOptional(options));
  }
}

/** A lookahead function that builds the real one on its first call and hands every call to
 *  it (with the parser as `this`; an optional's takes no argument and ignores the one
 *  passed here). */
function builtOnFirstCall<T, R>(build: () => (this: unknown, arg?: T) => R): (this: unknown, arg?: T) => R {
  let built: ((this: unknown, arg?: T) => R) | undefined;
  return function (this: unknown, arg?: T) {
    built ??= build();
    return built.call(this, arg);
  };
}
