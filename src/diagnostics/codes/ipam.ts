import type { CodeInfo } from "../diagnostic.js";

export const ipamCodes: CodeInfo[] = [];
