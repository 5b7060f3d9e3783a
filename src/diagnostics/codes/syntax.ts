import type { CodeInfo } from "../diagnostic.js";

/** NS1xx: what the lexer and parser find. Every code has an invalid fixture in test/fixtures/syntax/invalid/. */
export const syntaxCodes = [
  {
    code: "NS101",
    severity: "error",
    message: "unexpected {found}, expected {expected}",
    explanation: "The parser met a token that cannot come here; the expected tokens are listed.",
    example: "ns < veth >",
  },
  {
    code: "NS102",
    severity: "error",
    message: "unterminated string",
    explanation: 'A "…" string is never closed before the end of the text.',
    example: 'use "stdlib/bridge',
  },
  {
    code: "NS103",
    severity: "error",
    message: "block opened here is never closed",
    explanation: "A `<` block has no matching `>` before the end of the text.",
    example: "ns a < veth pair",
  },
  {
    code: "NS104",
    severity: "error",
    message: "unknown statement '{word}'",
    explanation: "A statement starts with a word that is no statement keyword (and is not a def call `NAME(args)`).",
    example: "nss lxc1",
  },
  {
    code: "NS105",
    severity: "error",
    message: "invalid IPv4 address '{text}': {reason}",
    explanation: "An IPv4 address needs four parts, each 0–255.",
    example: "addr 10.0.0.300/24",
  },
  {
    code: "NS106",
    severity: "error",
    message: "invalid IPv6 address '{text}'",
    explanation: "The text looks like an IPv6 address but is not one (too many groups, several `::`, a group over 4 hex digits).",
    example: "addr 2001:db8:::1/64",
  },
  {
    code: "NS107",
    severity: "error",
    message: "prefix length /{prefix} is too long for {family} (at most /{max})",
    explanation: "A CIDR prefix length is at most 32 for IPv4 and 128 for IPv6.",
    example: "addr 10.0.0.1/33",
  },
  {
    code: "NS108",
    severity: "error",
    message: "stray '>' closes no block",
    explanation: 'A `>` at the top level has no `<` to close (in a command, quote it: ">").',
    example: "ns a\n>",
  },
  {
    code: "NS109",
    severity: "error",
    message: "unexpected character '{char}'",
    explanation: "A character that starts no token (outside strings and comments).",
    example: "ns a \\ b",
  },
  {
    code: "NS110",
    severity: "error",
    message: "'${' is never closed by '}'",
    explanation: "An interpolation `${expr}` must be closed on the same line.",
    example: "ns c${i",
  },
  {
    code: "NS111",
    severity: "error",
    message: "unknown {what} mode '{mode}', expected {expected}",
    explanation: "macvlan modes are bridge, private, vepa, passthru; ipvlan modes are l2, l3, l3s.",
    example: "macvlan on eth0 mode bridged",
  },
  {
    code: "NS112",
    severity: "error",
    message: "expected {what}, found '{found}'",
    explanation: "A word is in the right place but has the wrong shape (a port that is not a number, a prefix that is not /N).",
    example: "portmap tcp 8080 to web:http",
  },
] as const satisfies readonly CodeInfo[];
