#!/usr/bin/env node
/**
 * A probe run INSIDE a namespace (`ip netns exec NS node probe.js …`) by the `expect`
 * statements: `http URL` prints the status code, `tcp HOST PORT` prints "open".
 * Bounded: one attempt, 2 s timeout; exit 0 when it got an answer, 1 otherwise.
 */
import { request } from "node:http";
import { connect } from "node:net";

const TIMEOUT_MS = 2000;
const [kind, a, b] = process.argv.slice(2);

function fail(msg: string): never {
  process.stdout.write(`error ${msg}\n`);
  process.exit(1);
}

if (kind === "http" && a) {
  const req = request(a, { method: "GET", timeout: TIMEOUT_MS }, (res) => {
    process.stdout.write(`${res.statusCode}\n`);
    res.resume();
    res.on("end", () => process.exit(0));
  });
  req.on("timeout", () => req.destroy(new Error("timeout")));
  req.on("error", (e) => fail(e.message));
  req.end();
} else if (kind === "tcp" && a && b) {
  const sock = connect({ host: a, port: Number(b), timeout: TIMEOUT_MS });
  sock.on("connect", () => {
    process.stdout.write("open\n");
    sock.destroy();
    process.exit(0);
  });
  sock.on("timeout", () => fail("timeout"));
  sock.on("error", (e) => fail(e.message));
} else {
  fail("usage: probe http URL | probe tcp HOST PORT");
}
