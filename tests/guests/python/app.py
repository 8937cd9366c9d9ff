"""A WASI command in Python, built with componentize-py: it reads its
arguments, environment and a file in a preopened directory, writes stdout,
stderr and a file, and uses the clocks and random numbers."""

import os
import sys
import time

from wit_world import exports


def report() -> int:
    print("args: " + " ".join(f"[{a}]" for a in sys.argv))
    print("GREETING=" + os.environ.get("GREETING", "(unset)"))
    try:
        with open("/data/input.txt") as f:
            lines = f.readlines()
    except OSError as e:
        print(f"cannot open /data/input.txt: {e.strerror}", file=sys.stderr)
        return 2
    print("first line: " + lines[0], end="")
    print(f"input.txt: {len(lines)} lines, {sum(len(l) for l in lines)} bytes")
    try:
        with open("/data/out.txt", "w") as f:
            f.write(f"{len(lines)} lines\n")
        print("wrote out.txt")
    except OSError as e:
        print(f"cannot write out.txt: {e.strerror}")
    t0 = time.monotonic_ns()
    t1 = time.monotonic_ns()
    print("monotonic clock: " + ("ok" if t1 >= t0 else "went back"))
    print("wall clock: " + ("after 2023" if time.time() > 1_700_000_000 else "wrong"))
    rnd = os.urandom(16)
    print(f"random: {len(rnd)} bytes, " + ("not all zero" if any(rnd) else "all zero"))
    print("report done", file=sys.stderr)
    return 0


class Run(exports.Run):
    def run(self) -> None:
        mode = sys.argv[1] if len(sys.argv) > 1 else "report"
        if mode == "report":
            status = report()
        elif mode == "exit":
            status = int(sys.argv[2])
        else:
            print(f"unknown mode {mode}", file=sys.stderr)
            status = 64
        sys.stdout.flush()
        sys.stderr.flush()
        if status != 0:
            sys.exit(status)
