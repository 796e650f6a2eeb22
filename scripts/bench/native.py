#!/usr/bin/env python3
"""The native side of the benchmark, for scripts/bench/run.js; prints one JSON object.

    native.py time RUNS FILE        runs `build/native/enrich validate FILE > /dev/null` RUNS times;
                                    each run's wall time and peak RSS (ru_maxrss from wait4: the
                                    child's own peak, not the machine's)
    native.py perf FILE OUT.data    samples `enrich validate FILE` with perf (cpu-clock, a software
                                    event: this machine's VM has no hardware counters) and lists the
                                    top symbols by self time
"""
import json
import os
import re
import subprocess
import sys
import time

ENRICH = os.path.join("build", "native", "enrich")


def run_once(argv):
    with open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE)
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return secs, usage.ru_maxrss * 1024, proc.returncode, stderr.decode("utf-8", "replace")


def timed(runs, path):
    out = []
    for _ in range(runs):
        secs, rss, rc, err = run_once([ENRICH, "validate", path])
        # 0: every row valid, 2: some rows have errors (the bench files have some); 1: unreadable.
        if rc not in (0, 2):
            sys.exit(f"native: enrich validate {path} exited {rc}: {err.strip()[:500]}")
        out.append({"secs": secs, "peakRssBytes": rss, "exit": rc})
    return {"runs": out}


def perf(path, data):
    rec = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "1999", "-o", data, "--",
                          ENRICH, "validate", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if rec.returncode not in (0, 2):
        return {"error": "perf record failed: " + rec.stderr.decode("utf-8", "replace").strip()[:500]}
    rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "symbol",
                          "--percent-limit", "0.5"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    top = []
    for line in rep.stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "%" not in line.split()[0]:
            continue
        pct, _, rest = line.partition("%")
        sym = rest.strip()
        if sym.startswith("[.]") or sym.startswith("[k]"):
            sym = sym[3:].strip()
        # perf adds IPC columns, shown as "-  -" where the machine has no cycle counter.
        sym = re.sub(r"(\s+(-|[0-9.]+%?))+\s*$", "", sym)
        top.append({"percent": float(pct), "symbol": sym})
    top.sort(key=lambda t: -t["percent"])
    return {"top": top, "data": data}


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "time":
        print(json.dumps(timed(int(sys.argv[2]), sys.argv[3])))
    elif len(sys.argv) >= 4 and sys.argv[1] == "perf":
        print(json.dumps(perf(sys.argv[2], sys.argv[3])))
    else:
        sys.exit("usage: native.py time RUNS FILE | native.py perf FILE OUT.data")


if __name__ == "__main__":
    main()
