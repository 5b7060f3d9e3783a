import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // one test file per core (vitest's default on two cores is one at a time); more than
    // that only made the kernel tests, which are CPU-bound here, slower
    maxWorkers: 2,
  },
});
