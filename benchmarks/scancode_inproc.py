"""ScanCode's in-process license detection time per text; run by ScanCode's own python.

    /path/to/scancode-venv/bin/python benchmarks/scancode_inproc.py ROUNDS FILE...

Prints JSON: {"load_ms": index load, "first_ms": [untimed-pass times],
"times_ms": [one per file per round]}.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    rounds, paths = int(sys.argv[1]), sys.argv[2:]
    t0 = time.perf_counter()
    from licensedcode.cache import get_index
    from scancode.api import get_licenses

    get_index()
    load_ms = (time.perf_counter() - t0) * 1000
    first = []
    for path in paths:  # one untimed pass, as for licscan (bench_classify.py)
        t = time.perf_counter()
        get_licenses(path)
        first.append((time.perf_counter() - t) * 1000)
    times = []
    for _ in range(rounds):
        for path in paths:
            t = time.perf_counter()
            get_licenses(path)
            times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"load_ms": load_ms, "first_ms": first, "times_ms": times}))


if __name__ == "__main__":
    main()
