import type { CodeInfo } from "../diagnostic.js";

export const checkCodes: CodeInfo[] = [];
