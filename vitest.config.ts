import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Kernel tests mostly wait on ip, nft and the kernel: three at a time keep two cores busy
    // (one at a time, vitest's default here, made the suite twice as long).
    maxWorkers: 3,
  },
});
