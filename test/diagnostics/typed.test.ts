import { describe, expect, expectTypeOf, it } from "vitest";
import { diag, type Code, type ParamName } from "../../src/diagnostics/codes.js";
import { noSpan } from "../../src/model/span.js";

/**
 * The catalog is typed end to end. The `@ts-expect-error` lines are the test: `tsc` (run by
 * ./scripts/test) fails if any of them compiles, i.e. if diag stops rejecting a wrong code,
 * a missing parameter or a parameter the message does not have.
 */
describe("diag is checked against the catalog at compile time", () => {
  it("derives each code's parameters from its message", () => {
    expectTypeOf<ParamName<"NS302">>().toEqualTypeOf<"name" | "ns">();
    expectTypeOf<ParamName<"NS201">>().toEqualTypeOf<"name">(); // "undefined variable `${name}`"
    expectTypeOf<ParamName<"NS110">>().toEqualTypeOf<never>(); // "'${' is never closed by '}'"
    expectTypeOf<"NS999">().not.toMatchTypeOf<Code>();
  });

  it("rejects a wrong code, a missing or unknown parameter; accepts the right ones", () => {
    const span = noSpan();
    // never called: these only have to fail to compile
    const rejected = () => [
      // @ts-expect-error: no such code
      diag("NS999", span),
      // @ts-expect-error: `ns` is missing (today's message would keep a literal `{ns}`)
      diag("NS302", span, { name: "eth1" }),
      // @ts-expect-error: NS302 has no `nme`
      diag("NS302", span, { nme: "eth1", ns: "a" }),
      // @ts-expect-error: NS307 needs its parameters
      diag("NS307", span),
    ];
    expect(typeof rejected).toBe("function");
    const ds = [diag("NS302", span, { name: "eth1", ns: "a" }), diag("NS110", span), diag("NS221", span, {}, { hint: "lo is up anyway" })];
    expect(ds.at(-3)!.message).toBe("no interface `eth1` in namespace `a`");
    expect(ds.at(-2)!.message).toBe("'${' is never closed by '}'");
  });
});
