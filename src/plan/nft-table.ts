/**
 * The name of a project's nft table, in a module of its own so that inverse.ts (which
 * needs it to undo a table) does not import nft.ts, which drafts ops through inverse.ts.
 */
export const tableName = (project: string): string => `nsnet_${project.replace(/[^A-Za-z0-9_]/g, "_")}`;
