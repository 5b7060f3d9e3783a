import { describe, it, expect } from "vitest";
import { primaryAddress } from "../../src/model/addresses.js";
import { compileText } from "../../src/engine/compile.js";

const compiled = (src: string) => compileText(src, "t.nsnet").addressed!;

describe("primaryAddress", () => {
  it("is the first IPv4 address of the first declared interface", () => {
    const t = compiled(`ns a <
  veth as e0 peer b:x0
  veth as e1 peer b:x1
  addr 198.51.100.9/24 on e1
  addr 2001:db8::1/64 on e0
  addr 192.0.2.1/24 on e0
>
ns b
`);
    expect(primaryAddress(t, "a")).toBe("192.0.2.1");
  });

  it("falls back to IPv6, and is undefined without addresses", () => {
    const t = compiled("ns a < veth; addr 2001:db8::5/64 >\nns b\n");
    expect(primaryAddress(t, "a")).toBe("2001:db8::5");
    expect(primaryAddress(t, "b")).toBeUndefined();
  });
});
