import type { CodeInfo } from "../diagnostic.js";

export const liveCodes: CodeInfo[] = [];
