import type { CodeInfo } from "../diagnostic.js";

/**
 * The size limits (README "Decisions and limits"): a script too deep or too big is refused
 * with one of these, never a crash. NS113/NS114 are the parser's (src/syntax/limits.ts),
 * NS230–NS232 the expander's (src/expand/expansion.ts). Each has a fixture under
 * test/fixtures/limits/ and a property test near its limit (test/property/limits.test.ts).
 */
export const limitCodes = [
  {
    code: "NS113",
    severity: "error",
    message: "nesting deeper than {limit} levels",
    explanation:
      "Brackets, parentheses, blocks, a run of `-` signs and `${…}` inside strings inside `${…}` together nest at most this deep; deeper, a parser would run out of stack. The script is not parsed further.",
    example: `let x = ${"[".repeat(101)}${"]".repeat(101)}`,
  },
  {
    code: "NS114",
    severity: "error",
    message: "more than {limit} tokens in one file",
    explanation:
      "A file holds at most this many tokens (words, numbers, brackets, line ends): parsing costs about a kilobyte of memory for each, and the limit keeps a check within nsnet's memory budget. Split the file (`use`), or generate namespaces with a `for` loop.",
    example: "ns a",
  },
  {
    code: "NS230",
    severity: "error",
    message: "more than {limit} namespaces in one script",
    explanation:
      "A script declares at most this many namespaces (nsnet's memory budget: about 20 KB each through check and plan). Expansion stops at the first one too many.",
    example: "for i in 1..20001 < ns n${i} >",
  },
  {
    code: "NS231",
    severity: "error",
    message: "the script expands to more than {limit} statements",
    explanation:
      "Every statement run counts — those of every loop iteration and of every `def` call — so definitions that call each other twice per level cannot grow a short text without bound. Expansion stops there.",
    example:
      "def f0() < let a = 1 >\ndef f1() < f0(); f0() >\ndef f2() < f1(); f1() >\ndef f3() < f2(); f2() >\ndef f4() < f3(); f3() >\ndef f5() < f4(); f4() >\ndef f6() < f5(); f5() >\ndef f7() < f6(); f6() >\ndef f8() < f7(); f7() >\ndef f9() < f8(); f8() >\ndef f10() < f9(); f9() >\ndef f11() < f10(); f10() >\ndef f12() < f11(); f11() >\ndef f13() < f12(); f12() >\ndef f14() < f13(); f13() >\ndef f15() < f14(); f14() >\ndef f16() < f15(); f15() >\ndef f17() < f16(); f16() >\ndef f18() < f17(); f17() >\ndef f19() < f18(); f18() >\nf19()",
  },
  {
    code: "NS232",
    severity: "error",
    message: "blocks nested deeper than {limit} levels through calls",
    explanation:
      "Each text nests at most 100 levels (NS113), but a def's body runs inside its caller's blocks: calls of calls of bodies that are each deeply nested add up, and past this many blocks at once the expander would run out of stack. Expansion stops there.",
    example: `def f0() < ns a >\n${Array.from({ length: 6 }, (_, i) => `def f${i + 1}() < ${"for j in 1..1 < ".repeat(90)}f${i}()${" >".repeat(90)} >`).join("\n")}\nf6()`,
  },
] as const satisfies readonly CodeInfo[];
