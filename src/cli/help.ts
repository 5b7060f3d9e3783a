/** Help texts: `nsnet --help` and `nsnet COMMAND --help`. */
export const MAIN_HELP = `nsnet — a small language and REPL for Linux network namespaces

usage:
  nsnet                          REPL on a terminal; otherwise reads a script from stdin
  nsnet repl [FILE]              the REPL (FILE applied first)
  nsnet FILE [up|down|plan|check|show|graph]
                                 shebang form (#!/usr/bin/env nsnet); default: up
  nsnet check FILE… [--json]     parse and check, no kernel access
  nsnet plan FILE [--format text|sh|json] [--explain] [--offline]
  nsnet up FILE | apply FILE     apply transactionally
  nsnet down FILE                remove what this script created
  nsnet show [NS…] [--json]      live state of namespaces, as nsnet source that rebuilds it
  nsnet graph FILE [--format text|dot|mermaid|svg]
  nsnet fmt FILE… [--check]      canonical formatting
  nsnet sandbox FILE [-- CMD…]   apply inside a private mount+net namespace, run CMD there
  nsnet why FILE A B [--static]  where a ping from A to B (or its reply) is lost, and the line to change
  nsnet grade CHECKS DIR/ [--junit F]  each DIR/*.nsnet with CHECKS' expects, each in a sandbox; a class table
  nsnet hook FILE                udev mode: run FILE's handler for the event in the environment
  nsnet udev-rule FILE [--bin PATH]   print the udev rules that run \`nsnet hook FILE\`
  nsnet cni                      CNI plugin (what a runtime runs with CNI_COMMAND set)
  nsnet cni install DIR          link nsnet into a CNI plugin directory
  nsnet import lxc|cni FILE      an LXC config or a CNI netconf as an nsnet script

options: --quiet, --verbose, --help, --version anywhere; --json, --state-dir DIR and
  --project NAME where the command's usage lists them. Any other option is refused
  (exit 2): there is no --dry-run, \`nsnet plan FILE\` is what up would do.

exit codes: 0 ok · 1 check errors · 2 usage · 3 apply failed and rolled back ·
            4 rollback incomplete · 5 an expect failed
`;

export const COMMAND_HELP: Record<string, string> = {
  check: `usage: nsnet check FILE… [--json] [--state-dir DIR] [--project NAME] [--pool-file FILE]

Parses, expands and checks each FILE without touching the kernel: names, references,
address conflicts per L2 segment, gateways, pools, proxy-ARP subnets. Addresses are
allocated against the project's sticky allocations when they can be read (the options
name them as for up), so a static address on one already handed out is an error here too.
Exit 0 when there are no errors (warnings are printed), 1 when there are.
`,
  fmt: `usage: nsnet fmt FILE… [--check]

Rewrites each FILE in canonical layout (comments kept). With --check, changes nothing
and exits 1 if a file is not canonical.
`,
  plan: `usage: nsnet plan FILE [--format text|sh|json] [--explain] [--offline] [--json] [--state-dir DIR] [--project NAME]

Shows the kernel operations \`nsnet up FILE\` would run now (a diff against live state),
grouped into batched phases, each with the source line it came from.
--format sh prints a runnable equivalent shell script (for teaching; nsnet itself never
uses a shell). --offline plans for an empty machine instead (the script's uplinks and
nothing else, as a fresh \`nsnet sandbox\` starts): nothing on this one is read, no root
needed.
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
       nsnet sandbox --attach [PID] [-- CMD…]   (join a running sandbox; CMD: bash)

Creates a private mount+network namespace (nothing on this machine's own network is
touched), simulates each declared uplink with a veth to a \`lan\` namespace holding the
gateway, applies FILE there, then runs CMD (default: the REPL). All of it vanishes on exit.
`,
  hook: `usage: nsnet hook FILE        (run by udev: RUN+="/abs/nsnet hook /abs/FILE")

Reads the udev event from the environment (ACTION, INTERFACE, IFINDEX, DEVPATH,
SUBSYSTEM) and applies the host-side work of FILE's \`on add|remove "PATTERN"\` handlers
that match INTERFACE — or, in a script without handlers, the host side of the
\`ns X < veth … >\` whose host end is INTERFACE — as one transaction. A repeated event
does nothing; remove undoes what add applied. Exit 0 also when nothing matches
(silently) and for an event without SUBSYSTEM (not a net event; one log line); 1 check
errors (nothing touched); 3 rolled back; 4 rollback incomplete.
`,
  "udev-rule": `usage: nsnet udev-rule FILE [--bin PATH]

Prints a rules file for /etc/udev/rules.d/ with one rule per handler of FILE (and a
remove rule for each add pattern), each running \`PATH hook FILE\` by absolute paths.
PATH defaults to this nsnet. Install it, then \`udevadm control --reload\`.
`,
  why: `usage: nsnet why FILE A B [--static] [--json] [--state-dir DIR] [--project NAME]

Walks a ping from namespace A to B (a namespace, standing for its first address, or an
address) hop by hop — each namespace's route lookup, who answers ARP on the link (proxy
ARP included), forwarding, partition and nat rules — then its reply back, and prints the
first place it is lost: a diagnostic at the line of FILE to change, with a hint. With
root and FILE's namespaces up, the kernel's routes, addresses and sysctls are walked (what
is there now); otherwise, or with --static, FILE as \`up\` would build it (no root needed).
Exit 0 when the ping would come back, 1 when not, 2 usage.
`,
  grade: `usage: nsnet grade CHECKS.nsnet SUBMISSIONS/ [--json] [--junit FILE] [--allow-commands]

Grades every *.nsnet in SUBMISSIONS/: each is applied with CHECKS appended, in a sandbox
of its own (as \`nsnet sandbox\`: nothing on this machine is touched), a few at once, and
the \`expect\`s of CHECKS — only those — are run and scored by their \`points N\` (default
1). A check naming what a submission lacks fails alone; a submission that does not check
or does not apply scores 0. A failure \`why\` proves from the script is not retried.
Prints the class table and where points were lost (--json: the same as JSON); --junit
also writes JUnit XML (a testsuite per submission, a testcase per check) for CI and LMS
tools. A submission's own \`exec\` or \`run in\` would run as root on this machine's files:
such a submission is refused unless --allow-commands. Exit 0 once grading ran, 2 usage.
`,
  repl: `usage: nsnet repl [FILE] [--state-dir DIR] [--project NAME]

Interactive nsnet: each complete statement is checked and applied at once.
Type .help inside for the dot-commands. Piped (nsnet repl < FILE), it runs input by
input and exits 0, or 5 if an expect failed, 1 if an input was refused, 3 if an apply
was rolled back, 4 if a rollback was incomplete (the most serious wins).
`,
  cni: `usage: nsnet cni            (run by a container runtime, CNI_COMMAND set)
       nsnet cni install DIR

A CNI plugin (spec 1.0.0 and 1.1.0: ADD, DEL, CHECK, GC, STATUS, VERSION). The runtime
finds it as "type": "nsnet" in its plugin directory; \`nsnet cni install /opt/cni/bin\`
puts the link there. Whenever CNI_COMMAND is set, nsnet is the plugin, whatever the
arguments. Netconf: the reference bridge plugin's (a drop-in, host-local addresses), or
nsnet's own: "script" (the shared host part) and "container" (the container's body, with
$ifname, $containerid and $netns). Result or error JSON on stdout, logs on stderr.
See docs/cni.md.
`,
  import: `usage: nsnet import lxc|cni FILE [--json]
       nsnet import lxc FILE --create-bridges

Prints FILE as an nsnet script (canonical form): an LXC container config (lxc.network.*
or lxc.net.N.* keys) or a CNI netconf/conflist (bridge with host-local, or nsnet's own
form). An LXC veth's link becomes \`bridge NAME existing\` (LXC's bridge, used as it is);
--create-bridges writes \`bridge NAME\` instead (nsnet creates and owns it). A name
outside nsnet's allowlist (letters, digits, _ . -), a key nsnet cannot express or a
malformed config is reported at its key and line (NS240-NS242), nothing is printed on
stdout, exit 2.
`,
};
