"""Run a module as `python -m` would, then write this process's peak RSS (VmHWM, KiB)
to $BENCH_PEAK_FILE.  The kernel's rusage of a child counts the parent's memory it was
forked from (a benchmark holding a 10,000-model Hub), so the child reports its own.

    python benchmarks/peak.py MODULE [ARG...]
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys


def _report() -> None:
    path = os.environ.get("BENCH_PEAK_FILE")
    if not path:
        return
    try:  # no /proc (not Linux): the caller falls back to the kernel's rusage
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    with open(path, "w", encoding="ascii") as out:
                        out.write(line.split()[1])
    except OSError:
        pass


if __name__ == "__main__":
    atexit.register(_report)
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
