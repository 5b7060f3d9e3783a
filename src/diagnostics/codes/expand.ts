import type { CodeInfo } from "../diagnostic.js";

export const expandCodes: CodeInfo[] = [];
