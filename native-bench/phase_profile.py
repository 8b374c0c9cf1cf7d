#!/usr/bin/python3
"""Per-phase profile of vectrain's training step from a JFR recording (JMH `-prof jfr`), the breakdown
issue 6 asks for when a target is missed: forward / loss / backward / update (clip + Adam) / other,
each split into GEMM (dev.vectrain.kernel.Gemm*) and the rest, plus the hottest leaf kernels and the
allocation sites JFR sampled. Standard library only; needs the JDK's `jfr` tool.

  phase_profile.py RECORDING.jfr [--title TEXT]

How a sample is classified: its stack is read from the top; the first frame in dev.vectrain.nn /
loss / optim / train names the phase (Dense.forward -> forward, *.backward -> backward, Losses or
SoftmaxCrossEntropy -> loss, Updater / FusedUpdate / Clipping -> update). Samples on pool worker threads
carry no caller frames, so they are counted as "worker thread" (still split GEMM / rest); samples whose
innermost vectrain frame is in WorkerPool (a caller waiting for workers, a worker spinning for work) are
"pool wait".
"""
import collections
import os
import re
import shutil
import subprocess
import sys

FRAME = re.compile(r"^\s+([\w.$]+)\.([\w$<>]+)\(", re.M)


def jfr_tool():
    jh = os.environ.get("JAVA_HOME")
    for cand in ([os.path.join(jh, "bin", "jfr")] if jh else []) + [shutil.which("jfr") or ""]:
        if cand and os.access(cand, os.X_OK):
            return cand
    sys.exit("phase_profile: no `jfr` tool (set JAVA_HOME to a JDK)")


def events(path, name, depth=64):
    out = subprocess.run([jfr_tool(), "print", "--events", name, "--stack-depth", str(depth), path],
                         capture_output=True, text=True, check=True).stdout
    return out.split(name + " {")[1:]


def phase_of(frames):
    top = next(((c, m) for c, m in frames if c.startswith("dev.vectrain.")), None)
    if top and top[0].startswith("dev.vectrain.parallel.WorkerPool"):
        return "pool wait"  # spinning or parked in the pool: caller waiting for workers, or idle worker
    for cls, meth in frames:
        if not cls.startswith("dev.vectrain."):
            continue
        pkg = cls.split(".")[2]
        simple = cls.rsplit(".", 1)[-1].split("$")[0]
        if pkg == "optim" or simple in ("Updater", "FusedUpdate", "Clipping"):
            return "update (clip+Adam)"
        if pkg == "loss" or simple == "SoftmaxCrossEntropy" and pkg != "kernel":
            return "loss"
        if pkg == "nn":
            if simple == "Parameters":
                return "other"
            if "backward" in meth.lower():
                return "backward"
            if "forward" in meth.lower():
                return "forward"
        if pkg == "train":
            return "other"
    if any(c.startswith("dev.vectrain.parallel") for c, _ in frames):
        return "worker thread"
    return "other"


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit("usage: phase_profile.py RECORDING.jfr [--title TEXT]")
    path, title = args[0], ""
    if "--title" in args:
        title = args[args.index("--title") + 1]
    samples = events(path, "jdk.ExecutionSample")
    table = collections.Counter()
    leaves = collections.Counter()
    n = 0
    for e in samples:
        frames = FRAME.findall(e)
        vt = [(c, m) for c, m in frames if c.startswith("dev.vectrain.") and ".bench." not in c]
        if not vt:
            continue  # JMH's own threads and JIT helpers
        n += 1
        kind = "GEMM" if any(c.startswith("dev.vectrain.kernel.Gemm") for c, _ in vt) else "rest"
        table[(phase_of(frames), kind)] += 1
        c, m = vt[0]
        leaves[f"{c.rsplit('.', 1)[-1]}.{m}"] += 1
    print(f"vectrain per-phase profile{' — ' + title if title else ''} ({n} JFR execution samples in vectrain code)")
    if not n:
        return
    phases = ["forward", "loss", "backward", "update (clip+Adam)", "other", "worker thread", "pool wait"]
    print(f"  {'phase':<20}{'GEMM':>8}{'rest':>8}{'total':>8}")
    for p in phases:
        g, r = table[(p, "GEMM")], table[(p, "rest")]
        if g + r:
            print(f"  {p:<20}{100 * g / n:>7.1f}%{100 * r / n:>7.1f}%{100 * (g + r) / n:>7.1f}%")
    g = sum(v for (p, k), v in table.items() if k == "GEMM")
    print(f"  {'all':<20}{100 * g / n:>7.1f}%{100 * (n - g) / n:>7.1f}%{100.0:>7.1f}%")
    print("  hottest leaf methods: " + ", ".join(f"{k} {100 * v / n:.0f}%" for k, v in leaves.most_common(6)))
    allocs = collections.Counter()
    for e in events(path, "jdk.ObjectAllocationSample", 24):
        cls = re.search(r"objectClass = (\S+)", e)
        w = re.search(r"weight = ([\d.]+) (\w+)", e)
        vt = [f"{c.rsplit('.', 1)[-1]}.{m}" for c, m in FRAME.findall(e) if c.startswith("dev.vectrain.")]
        mult = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}.get(w.group(2), 1) if w else 1
        allocs[(cls.group(1) if cls else "?", vt[0] if vt else "(outside vectrain)")] += float(w.group(1)) * mult if w else 0
    if allocs:
        tot = sum(allocs.values())
        print("  allocation samples (JFR-weighted share): " + "; ".join(
            f"{c} in {site} {100 * v / tot:.0f}%" for (c, site), v in allocs.most_common(4)))
    else:
        print("  allocation samples: none recorded")


if __name__ == "__main__":
    main()
