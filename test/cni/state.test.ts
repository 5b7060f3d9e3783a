import { describe, it, expect } from "vitest";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { networkState, readAttachments } from "../../src/cni/state.js";

describe("the CNI network's attachments file", () => {
  it("is absent at first: no attachments", async () => {
    const ns = networkState("lab", { stateDir: mkdtempSync(join(tmpdir(), "nsnet-cni-")) });
    expect(await readAttachments(ns, "lab")).toEqual({ version: 1, network: "lab", attachments: {} });
  });

  it("is never read through a symlink planted in its place", async () => {
    const ns = networkState("lab", { stateDir: mkdtempSync(join(tmpdir(), "nsnet-cni-")) });
    const elsewhere = join(mkdtempSync(join(tmpdir(), "nsnet-elsewhere-")), "x.json");
    writeFileSync(elsewhere, JSON.stringify({ version: 1, network: "lab", attachments: {} }));
    mkdirSync(dirname(ns.attachmentsPath), { recursive: true, mode: 0o700 });
    symlinkSync(elsewhere, ns.attachmentsPath);
    await expect(readAttachments(ns, "lab")).rejects.toMatchObject({ details: expect.stringMatching(/symbolic link/) });
  });
});
