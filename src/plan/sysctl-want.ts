import type { Span } from "../model/span.js";

// Its own module so that proxyarp.ts, which derive.ts calls, need not import derive.ts.
/** A derived sysctl, before its inverse is known. */
export interface SysctlWant {
  ns: string;
  key: string;
  value: string;
  span: Span;
  why: string;
  /** the sysctl is about a device nsnet creates: it goes away with the device */
  ownDevice?: boolean;
}
