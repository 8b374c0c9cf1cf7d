#!/usr/bin/python3
"""PyTorch twin of vectrain's reference workload (see ../../shared/ANCHORS.md, issue 6).

MLP 784-512-256-10, ReLU, He (Kaiming normal, fan-in) init, zero biases; Fashion-MNIST scaled to [0,1]
then standardized per pixel (training-set mean/std); softmax cross-entropy; Adam lr 1e-3; clipping by
global norm 1.0; batch B, reshuffled every epoch; all data in memory as one float32 tensor.

What this file is: a timing harness that validates first (the loss must fall) and reports samples/s
(steps/s for batch 1), peak RSS and the time to the first training step, as one JSON line with --json.
What it is not: a tuned PyTorch program — it is the plain loop a user writes; the BLAS set-up underneath
is chosen by the caller (native-bench/run runs it both as Debian ships it and with a better OpenBLAS).

Weights file (--init-from / --save-init), shared with mlp_c.c: b"MLPW", int32 version 1, int32 n=4,
int32 sizes[4] = 784 512 256 10, then float32 little-endian W1 (512x784, row-major, out x in), b1,
W2 (256x512), b2, W3 (10x256), b3.
"""
import argparse
import ctypes
import gzip
import json
import os
import resource
import struct
import sys
import time

T_IMPORT0 = time.time()
import numpy as np  # noqa: E402
import torch  # noqa: E402

SIZES = (784, 512, 256, 10)


def process_age_s():
    """Seconds since this process started: from BENCH_T0_NS (set by the runner just before exec) when
    present, else from /proc/self/stat (10 ms resolution)."""
    t0 = os.environ.get("BENCH_T0_NS")
    if t0:
        return (time.time_ns() - int(t0)) / 1e9
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        up = float(f.read().split()[0])
    return up - start_ticks / os.sysconf("SC_CLK_TCK")


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(data_dir, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    sys.exit(f"mlp_torch: {stem}[.gz] not found in {data_dir} (apt-get install dataset-fashion-mnist)")


def standardize(raw, mean, std):
    """uint8 (n, 784) -> float32 ((x/255 - mean)/std), computed in float64 a chunk at a time so the peak
    memory stays near the final float32 table (the C program does the same arithmetic)."""
    out = np.empty(raw.shape, dtype=np.float32)
    for i in range(0, raw.shape[0], 4096):
        out[i:i + 4096] = (raw[i:i + 4096] / 255.0 - mean) / std
    return out


def load_data(data_dir):
    rtr = read_idx(find(data_dir, "train-images-idx3-ubyte")).reshape(-1, 784)
    ytr = read_idx(find(data_dir, "train-labels-idx1-ubyte")).astype(np.int64)
    rte = read_idx(find(data_dir, "t10k-images-idx3-ubyte")).reshape(-1, 784)
    yte = read_idx(find(data_dir, "t10k-labels-idx1-ubyte")).astype(np.int64)
    # per-pixel training-set mean and population std of x/255, in float64
    mean = rtr.sum(axis=0, dtype=np.float64) / (255.0 * rtr.shape[0])
    var = np.zeros(784)
    for i in range(0, rtr.shape[0], 4096):
        var += ((rtr[i:i + 4096] / 255.0 - mean) ** 2).sum(axis=0)
    std = np.sqrt(var / rtr.shape[0])
    std[std < 1e-8] = 1.0
    return (torch.from_numpy(standardize(rtr, mean, std)), torch.from_numpy(ytr),
            torch.from_numpy(standardize(rte, mean, std)), torch.from_numpy(yte))


def make_model(seed):
    torch.manual_seed(seed)
    layers = []
    for i in range(3):
        lin = torch.nn.Linear(SIZES[i], SIZES[i + 1])
        torch.nn.init.kaiming_normal_(lin.weight, mode="fan_in", nonlinearity="relu")
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def linears(model):
    return [m for m in model if isinstance(m, torch.nn.Linear)]


def save_weights(model, path):
    with open(path, "wb") as f:
        f.write(b"MLPW" + struct.pack("<6i", 1, 4, *SIZES))
        for lin in linears(model):
            f.write(lin.weight.detach().numpy().astype("<f4").tobytes())
            f.write(lin.bias.detach().numpy().astype("<f4").tobytes())


def load_weights(model, path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"MLPW" or struct.unpack("<6i", data[4:28]) != (1, 4) + SIZES:
        sys.exit(f"mlp_torch: {path} is not an MLPW v1 784-512-256-10 weights file")
    off = 28
    with torch.no_grad():
        for lin in linears(model):
            for t in (lin.weight, lin.bias):
                n = t.numel()
                t.copy_(torch.from_numpy(np.frombuffer(data, "<f4", n, off).copy()).view_as(t))
                off += 4 * n
    if off != len(data):
        sys.exit(f"mlp_torch: {path} has {len(data) - off} trailing bytes")


def blas_info():
    """Which OpenBLAS PyTorch's sgemm calls land in, and which kernel it picked: every OpenBLAS mapped
    into this process is asked (dlopen of a loaded library returns it); a preloaded one wins symbol
    lookup, so it is listed first."""
    paths = []
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1] if len(line.split()) >= 6 else ""
            if ("openblas" in p or "libblas" in p) and p not in paths:
                paths.append(p)
    pre = os.environ.get("LD_PRELOAD", "")
    paths.sort(key=lambda p: os.path.basename(p) not in pre and p not in pre)
    found = []
    for p in paths:
        try:
            lib = ctypes.CDLL(p)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            found.append((lib.openblas_get_corename().decode(),
                          lib.openblas_get_config().decode().strip() + " @ " + p))
        except (AttributeError, OSError):
            continue
    if not found:
        return "unknown", "no OpenBLAS mapped"
    return found[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1, help="threads for PyTorch's intra-op pool")
    ap.add_argument("--torch-threads", type=int, default=0,
                    help="override the intra-op pool size (e.g. 1 when BLAS alone uses the cores)")
    ap.add_argument("--epochs", type=int, default=0, help="time this many full epochs")
    ap.add_argument("--seconds", type=float, default=5.0, help="time budget when --epochs is 0")
    ap.add_argument("--warmup", type=int, default=-1, help="untimed steps first (default: 20, 100 at batch 1)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--init-from", help="start from this MLPW weights file")
    ap.add_argument("--save-init", help="write the initial weights to this MLPW file")
    ap.add_argument("--no-shuffle", action="store_true", help="file order (for the C cross-check)")
    ap.add_argument("--check-steps", type=int, default=0,
                    help="only run this many steps and report their losses (cross-check mode)")
    ap.add_argument("--eval", action="store_true", help="report test accuracy at the end")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.batch < 1 or a.threads < 1:
        sys.exit("mlp_torch: --batch and --threads must be >= 1")

    torch.set_num_threads(a.torch_threads or a.threads)
    xtr, ytr, xte, yte = load_data(a.data)
    n = xtr.shape[0]
    model = make_model(a.seed)
    if a.init_from:
        load_weights(model, a.init_from)
    if a.save_init:
        save_weights(model, a.save_init)
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    lossf = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(a.seed)

    def order():
        return torch.arange(n) if a.no_shuffle else torch.randperm(n, generator=gen)

    def step(idx):
        xb = xtr.index_select(0, idx)
        yb = ytr.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss = lossf(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        return loss.item()

    # A batch stream over reshuffled epochs; the final partial batch of an epoch is used as it is.
    state = {"perm": order(), "pos": 0, "epoch": 0}

    def next_batch():
        if state["pos"] >= n:
            state["perm"], state["pos"] = order(), 0
            state["epoch"] += 1
        idx = state["perm"][state["pos"]:state["pos"] + a.batch]
        state["pos"] += idx.numel()
        return idx

    losses = []
    first_loss = step(next_batch())
    ttfs = process_age_s()
    losses.append(first_loss)
    out = {"system": "pytorch", "torch": torch.__version__, "batch": a.batch, "threads": a.threads,
           "torch_threads": torch.get_num_threads(), "blas_threads_env": os.environ.get("OPENBLAS_NUM_THREADS"),
           "first_loss": first_loss, "ttfs_ms": round(ttfs * 1000, 1)}
    if a.check_steps:
        while len(losses) < a.check_steps:
            losses.append(step(next_batch()))
        out["losses"] = losses
    else:
        warm = a.warmup if a.warmup >= 0 else (100 if a.batch == 1 else 20)
        for _ in range(warm):
            losses.append(step(next_batch()))
        samples = steps = 0
        epoch_losses = []
        if a.epochs:
            state["pos"] = n  # start timing at a fresh epoch
            t0 = time.perf_counter()
            for _ in range(a.epochs):
                tot = cnt = 0
                while True:
                    idx = next_batch()
                    loss = step(idx)
                    losses.append(loss)
                    tot += loss * idx.numel()
                    cnt += idx.numel()
                    samples += idx.numel()
                    steps += 1
                    if state["pos"] >= n:
                        break
                epoch_losses.append(round(tot / cnt, 4))
            dt = time.perf_counter() - t0
            out["epoch_losses"] = epoch_losses
        else:
            t0 = time.perf_counter()
            dt = 0.0
            while dt < a.seconds:
                idx = next_batch()
                losses.append(step(idx))
                samples += idx.numel()
                steps += 1
                dt = time.perf_counter() - t0
        w = max(1, min(len(losses) // 4, max(10, 2048 // a.batch)))
        head, tail = sum(losses[:w]) / w, sum(losses[-w:]) / w
        out.update({"steps": steps, "samples": samples, "seconds": round(dt, 3),
                    "samples_per_s": round(samples / dt, 1), "steps_per_s": round(steps / dt, 1),
                    "loss_head": round(head, 4), "loss_tail": round(tail, 4), "loss_ok": tail < head})
    if a.eval:
        with torch.no_grad():
            out["test_accuracy"] = round((model(xte).argmax(1) == yte).float().mean().item(), 4)
    core, cfg = blas_info()
    out.update({"blas_core": core, "blas_config": cfg,
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})
    if a.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k}: {v}")
    if not a.check_steps and not out["loss_ok"]:
        print("mlp_torch: FAILED validation: loss did not decrease", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
