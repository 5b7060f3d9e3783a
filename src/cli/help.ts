/** Help texts: `nsnet --help` and `nsnet COMMAND --help`. */
export const MAIN_HELP = `nsnet — a small language and REPL for Linux network namespaces

usage:
  nsnet                          REPL on a terminal; otherwise reads a script from stdin
  nsnet repl [FILE]              the REPL (FILE applied first)
  nsnet FILE [up|down|plan|check|show|graph]
                                 shebang form (#!/usr/bin/env nsnet); default: up
  nsnet check FILE… [--json]     parse and check, no kernel access
  nsnet plan FILE [--format text|sh|json] [--explain]
  nsnet up FILE | apply FILE     apply transactionally
  nsnet down FILE                remove what this script created
  nsnet show [NS…] [--json]      live state of namespaces, as nsnet source that rebuilds it
  nsnet graph FILE [--format text|dot|mermaid|svg]
  nsnet fmt FILE… [--check]      canonical formatting
  nsnet sandbox FILE [-- CMD…]   apply inside a private mount+net namespace, run CMD there

options: --quiet, --verbose, --help, --version anywhere; --json, --state-dir DIR and
  --project NAME where the command's usage lists them. Any other option is refused
  (exit 2): there is no --dry-run, \`nsnet plan FILE\` is what up would do.

exit codes: 0 ok · 1 check errors · 2 usage · 3 apply failed and rolled back ·
            4 rollback incomplete · 5 an expect failed
`;

export const COMMAND_HELP: Record<string, string> = {
  check: `usage: nsnet check FILE… [--json]

Parses, expands and checks each FILE without touching the kernel: names, references,
address conflicts per L2 segment, gateways, pools, proxy-ARP subnets.
Exit 0 when there are no errors (warnings are printed), 1 when there are.
`,
  fmt: `usage: nsnet fmt FILE… [--check]

Rewrites each FILE in canonical layout (comments kept). With --check, changes nothing
and exits 1 if a file is not canonical.
`,
  plan: `usage: nsnet plan FILE [--format text|sh|json] [--explain] [--json] [--state-dir DIR] [--project NAME]

Shows the kernel operations \`nsnet up FILE\` would run now (a diff against live state),
grouped into batched phases, each with the source line it came from.
--format sh prints a runnable equivalent shell script (for teaching; nsnet itself never
uses a shell).
`,
  up: `usage: nsnet up FILE [--json] [--state-dir DIR] [--project NAME]  (alias: apply)

Applies FILE as one transaction: batched ip/sysctl/nft operations, verified afterwards,
rolled back on failure (exit 3; exit 4 if the rollback could not finish). Re-running an
unchanged script does nothing; a changed script applies only the difference.
To see what it would do without doing it: nsnet plan FILE.
`,
  down: `usage: nsnet down FILE [--json] [--state-dir DIR] [--project NAME]   (or: nsnet down --project NAME)

Removes everything this script's project created (and only that: links marked
nsnet:<project>, namespaces it created), restores sysctls it changed.
`,
  show: `usage: nsnet show [NS…] [--json]

Prints the live state of namespaces (all, or those named) as nsnet source that
\`nsnet up\` rebuilds — sysctls, nat/portmap/partition and proxyarp included — or as JSON.
`,
  graph: `usage: nsnet graph FILE [--format text|dot|mermaid|svg]

Prints the topology of FILE as a graph (namespaces, devices, bridges, L2 segments,
partitions). svg is laid out in-process (Graphviz compiled to WebAssembly).
`,
  sandbox: `usage: nsnet sandbox FILE [--json] [--project NAME] [-- CMD…]

Creates a private mount+network namespace (nothing on this machine's own network is
touched), simulates each declared uplink with a veth to a \`lan\` namespace holding the
gateway, applies FILE there, then runs CMD (default: the REPL). All of it vanishes on exit.
`,
  repl: `usage: nsnet repl [FILE] [--state-dir DIR] [--project NAME]

Interactive nsnet: each complete statement is checked and applied at once.
Type .help inside for the dot-commands.
`,
};
