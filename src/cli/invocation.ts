import type { GlobalOptions } from "./output.js";

/**
 * A parsed command line: the command, its positional words, its flags, and `-- CMD…`.
 * In a module of its own so that the commands, which cli.ts loads, need not import cli.ts.
 */
export interface Invocation {
  command: string;
  args: string[];
  flags: Record<string, string | boolean>;
  rest: string[];
  global: GlobalOptions;
}
