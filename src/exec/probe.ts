#!/usr/bin/env node
/**
 * A probe run INSIDE a namespace (`ip netns exec NS node probe.js …`) by the `expect`
 * statements: `http URL` prints the status code, `tcp HOST PORT` prints "open".
 * Bounded: one attempt, 2 s timeout; exit 0 when it got an answer, 1 otherwise.
 * `expect W sees S as ADDR` runs two: `listen-udp 4|6 PORT MS` in W prints `from ADDR` for
 * the first datagram (and answers it), `send-udp HOST PORT MS` in S sends one every 100 ms
 * until answered; each gives up after MS (at most 10 s).
 */
import { createSocket } from "node:dgram";
import { request } from "node:http";
import { connect, isIPv6 } from "node:net";

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
} else if (kind === "listen-udp" && (a === "4" || a === "6") && b) {
  const [port, ms] = [Number(b), bounded(process.argv[5])];
  const sock = createSocket(a === "6" ? "udp6" : "udp4");
  const timer = setTimeout(() => fail("nothing arrived"), ms);
  sock.on("error", (e) => fail(e.message));
  sock.on("message", (_msg, from) => {
    clearTimeout(timer);
    process.stdout.write(`from ${from.address}\n`);
    sock.send("seen", from.port, from.address, () => process.exit(0));
  });
  sock.bind(port);
} else if (kind === "send-udp" && a && b) {
  const [port, ms] = [Number(b), bounded(process.argv[5])];
  const sock = createSocket(isIPv6(a) ? "udp6" : "udp4");
  const send = () => sock.send("nsnet", port, a, () => undefined);
  const every = setInterval(send, 100);
  setTimeout(() => {
    clearInterval(every);
    fail("no answer");
  }, ms);
  sock.on("error", () => undefined); // a refused port until the listener is up: keep sending
  sock.on("message", () => {
    process.stdout.write("answered\n");
    process.exit(0);
  });
  send();
} else {
  fail("usage: probe http URL | probe tcp HOST PORT | probe listen-udp 4|6 PORT MS | probe send-udp HOST PORT MS");
}

function bounded(ms: string | undefined): number {
  const n = Number(ms);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 10_000) : 2000;
}
