#!/usr/bin/env python3
"""Drives a program through a real pseudo-terminal, for the REPL's end-to-end tests.

usage: pty-driver.py SPEC.json   (prints one JSON line: ok, failed step, transcript, outputs)

SPEC: {
  "sandbox": true,            # set up a private /run (tmpfs) + /run/netns + lo up first;
                              # refuses unless this process is in a network namespace other
                              # than $NSNET_OUTER_NETNS (the test runs us under unshare)
  "pre":  [[argv...], ...],   # run (no shell) before the session, output captured
  "argv": [...], "env": {...}, "cwd": "...",
  "steps": [{"expect": REGEX, "timeout": S} | {"send": TEXT} | {"wait_exit": S}],
  "post": [[argv...], ...],   # run after the session, output captured
  "pipe": PATH                # instead of a terminal: the file is the child's stdin
}
Every wait is bounded; on a timeout the child is killed and the step reported.
"""
import json, os, pty, re, select, signal, subprocess, sys, time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")


def clean(text):
    return ANSI.sub("", text).replace("\r", "")


def run_all(cmds):
    out = []
    for argv in cmds:
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
            out.append({"argv": argv, "code": r.returncode, "stdout": r.stdout, "stderr": r.stderr})
        except subprocess.TimeoutExpired:
            out.append({"argv": argv, "code": -1, "stdout": "", "stderr": "timeout"})
    return out


def sandbox():
    mine = os.readlink("/proc/self/ns/net")
    outer = os.environ.get("NSNET_OUTER_NETNS")
    if not outer or outer == mine:
        raise SystemExit(json.dumps({"ok": False, "reason": "not in a private network namespace; refusing"}))
    for argv in (["mount", "-t", "tmpfs", "tmpfs", "/run"], ["mkdir", "-p", "/run/netns"], ["ip", "link", "set", "lo", "up"]):
        subprocess.run(argv, check=True)


def main():
    spec = json.load(open(sys.argv[1]))
    if spec.get("sandbox"):
        sandbox()
    result = {"ok": True, "failed": None, "reason": None}
    result["pre"] = run_all(spec.get("pre", []))
    env = dict(os.environ)
    env.update(spec.get("env", {}))
    env.setdefault("TERM", "xterm")
    if "pipe" in spec:
        with open(spec["pipe"]) as stdin:
            try:
                r = subprocess.run(spec["argv"], stdin=stdin, capture_output=True, text=True, env=env,
                                   cwd=spec.get("cwd"), timeout=spec.get("timeout", 60))
                result.update(exit=r.returncode, stdout=r.stdout, stderr=r.stderr)
            except subprocess.TimeoutExpired:
                result.update(ok=False, reason="timeout", exit=None)
        result["post"] = run_all(spec.get("post", []))
        print(json.dumps(result))
        return
    pid, fd = pty.fork()
    if pid == 0:
        if spec.get("cwd"):
            os.chdir(spec["cwd"])
        os.execvpe(spec["argv"][0], spec["argv"], env)
    raw = []
    seen = 0  # matched up to here (in the cleaned transcript)
    exit_code = None

    def read_for(deadline, until=None):
        nonlocal exit_code
        while True:
            text = clean("".join(raw))
            if until is not None:
                m = until.search(text, seen)
                if m:
                    return m
            left = deadline - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([fd], [], [], min(left, 0.2))
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    if until is None:
                        return None
                    # child closed the terminal: one last look, then give up
                    text = clean("".join(raw))
                    return until.search(text, seen)
                raw.append(data.decode("utf-8", "replace"))

    for i, step in enumerate(spec["steps"]):
        if "send" in step:
            os.write(fd, step["send"].encode())
            time.sleep(step.get("pause", 0.05))
        elif "expect" in step:
            m = read_for(time.time() + step.get("timeout", 10), re.compile(step["expect"]))
            if not m:
                result.update(ok=False, failed=i, reason="timeout waiting for %r" % step["expect"])
                break
            seen = m.end()
        elif "wait_exit" in step:
            deadline = time.time() + step["wait_exit"]
            while time.time() < deadline:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    exit_code = os.waitstatus_to_exitcode(status)
                    break
                read_for(time.time() + 0.2)
            if exit_code is None:
                result.update(ok=False, failed=i, reason="timeout waiting for exit")
                break
    if exit_code is None:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
    read_for(time.time() + 0.1)
    result["exit"] = exit_code
    result["transcript"] = clean("".join(raw))
    result["post"] = run_all(spec.get("post", []))
    print(json.dumps(result))


main()
