import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Tools a lesson runs in a namespace that a minimal Debian lacks, and the Debian package
 * that has each: `h1: traceroute h3` on a machine without it says which package to install
 * instead of ip's "exec of traceroute failed". scripts/setup installs tcpdump; the rest
 * are optional.
 */
export const OPTIONAL_TOOLS: Readonly<Record<string, string>> = {
  tcpdump: "tcpdump",
  traceroute: "traceroute",
  conntrack: "conntrack",
  arping: "iputils-arping",
  tracepath: "iputils-tracepath",
  mtr: "mtr-tiny",
  iperf3: "iperf3",
};

/** Is PROGRAM (no slash) an executable file in one of PATH's directories? */
export function onPath(program: string, path: string = process.env.PATH ?? ""): boolean {
  if (program.includes("/")) return true;
  return path
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(join(dir, program), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** "traceroute is not installed: apt-get install traceroute", or null when it is there (or unknown to us). */
export function missingToolMessage(program: string, path?: string): string | null {
  const pkg = OPTIONAL_TOOLS[program];
  if (pkg === undefined || onPath(program, path)) return null;
  return `${program} is not installed here (Debian package ${pkg}: apt-get install ${pkg})`;
}
