#!/usr/bin/env python3
"""Peer side of `./kona bench gpu`: runs the named workloads in PyTorch on a CUDA device (or on
the CPU for a smoke test) and prints JSON lines: first {"device_name": ..., "peer": ...}, then one
{"name": ..., "ms": median milliseconds} per workload; the MLP epochs add "accuracy" and
"first_epoch_ms".

Called by kona-bench's GpuBench; the workload definitions mirror it: keep the two in step. Sizes
are part of the names (sgemm_4096, add_256M, softmax_rows_8192; a "_tf32" suffix allows TF32).
By hand:
    python3 tools/bench_gpu_peer.py --device cuda --names sgemm_4096,sgemm_4096_tf32,copy_256M
    python3 tools/bench_gpu_peer.py --device cuda --names mlp_epoch_b32 --data ~/.kona/datasets/mnist
Timing is the same as Kona's: warm up for half the budget, then time single runs, each ending
with a device synchronize, for the budget; the median is reported.
"""
import argparse
import json
import os
import sys
import time


def size_of(label):
    """'256M' -> 256 * 2**20, '64K' -> 64 * 2**10, '8192' -> 8192."""
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if label[-1] in scale:
        return int(label[:-1]) * scale[label[-1]]
    return int(label)


def set_tf32(torch, on):
    torch.set_float32_matmul_precision("high" if on else "highest")
    try:
        torch.backends.cuda.matmul.allow_tf32 = on
    except (AttributeError, RuntimeError):
        pass  # newer PyTorch: set_float32_matmul_precision alone decides


def median_ms(fn, sync, budget_ms):
    warm_end = time.perf_counter() + budget_ms * 0.5e-3
    warm = 0
    while time.perf_counter() < warm_end or warm < 3:
        fn()
        sync()
        warm += 1
    samples = []
    end = time.perf_counter() + budget_ms * 1e-3
    while len(samples) < 1000 and (len(samples) < 5 or time.perf_counter() < end):
        t0 = time.perf_counter()
        fn()
        sync()
        samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort()
    return samples[len(samples) // 2]


def read_idx(path):
    import numpy as np
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def mlp_epochs(torch, dev, sync, data_dir, batch, epochs, train_limit, cnn=False):
    """Seed 002's MLP trained for `epochs` epochs with the data already on the device; returns the
    epoch times (ms) and the test accuracy."""
    x_train = torch.from_numpy(read_idx(os.path.join(data_dir, "train-images-idx3-ubyte")).copy())
    y_train = torch.from_numpy(read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte")).copy())
    x_test = torch.from_numpy(read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte")).copy())
    y_test = torch.from_numpy(read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte")).copy())
    if train_limit > 0:
        x_train, y_train = x_train[:train_limit], y_train[:train_limit]
    x_train = (x_train.reshape(-1, 784).float() / 255.0).to(dev)
    x_test = (x_test.reshape(-1, 784).float() / 255.0).to(dev)
    y_train, y_test = y_train.long().to(dev), y_test.long().to(dev)
    n = x_train.shape[0]
    torch.manual_seed(0)
    nn = torch.nn
    if cnn:  # issue 5's MNIST CNN, as GpuMlpEpoch builds it
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Dropout(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
                              nn.Linear(128, 10)).to(dev)
        x_train, x_test = x_train.reshape(-1, 1, 28, 28), x_test.reshape(-1, 1, 28, 28)
    else:
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10)).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for _ in range(epochs):
        sync()
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(n, device=dev)
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            opt.zero_grad()
            loss_fn(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
        sync()
        times.append((time.perf_counter() - t0) * 1e3)
    model.eval()
    with torch.no_grad():  # in chunks of 1,000, as GpuMlpEpoch
        correct = sum((model(x_test[s:s + 1000]).argmax(1) == y_test[s:s + 1000]).sum().item()
                      for s in range(0, x_test.shape[0], 1000))
        acc = correct / x_test.shape[0]
    return times, acc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu")
    ap.add_argument("--names", required=True)
    ap.add_argument("--budget-ms", type=float, default=400.0)
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (cpu device only)")
    ap.add_argument("--data", default="", help="folder of the MNIST IDX files (mlp_epoch_*)")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--train-limit", type=int, default=0, help="train on the first N examples (0: all)")
    args = ap.parse_args()
    names = [n for n in args.names.split(",") if n]
    try:
        import torch
    except ImportError as e:
        print(json.dumps({"error": f"torch is not installed for python3 ({e})"}))
        return 0
    dev = args.device
    if dev.startswith("cuda") and not torch.cuda.is_available():
        print(json.dumps({"warning": "torch.cuda is not available; the peer runs on the CPU"}), flush=True)
        dev = "cpu"
    dev = torch.device(dev)
    if dev.type == "cuda":
        torch.cuda.set_device(dev)
        sync = torch.cuda.synchronize
        device_name = torch.cuda.get_device_name(dev)
    else:
        if args.threads > 0:
            torch.set_num_threads(args.threads)
        sync = lambda: None
        device_name = "cpu"
    print(json.dumps({"device_name": device_name, "peer": "torch-" + dev.type,
                      "torch": torch.__version__}), flush=True)

    g = torch.Generator(device=dev).manual_seed(7)
    rn = lambda *s: torch.randn(*s, generator=g, device=dev)
    vectors = {}

    def vec(label):  # the same two vectors serve copy, add and exp, as in GpuBench
        if label not in vectors:
            vectors.clear()
            if dev.type == "cuda":
                torch.cuda.empty_cache()
            n = size_of(label)
            vectors[label] = (rn(n), rn(n), torch.empty(n, device=dev))
        return vectors[label]

    for name in names:
        parts = name.split("_")
        result = {"name": name}
        try:
            if parts[0] == "sgemm":
                n = int(parts[1])
                set_tf32(torch, len(parts) > 2 and parts[2] == "tf32")
                a, b = rn(n, n), rn(n, n)
                result["ms"] = median_ms(lambda: a @ b, sync, args.budget_ms)
                del a, b
                set_tf32(torch, False)
            elif parts[0] in ("copy", "add", "exp"):
                p, q, dst = vec(parts[1])
                fn = {"copy": lambda: dst.copy_(p), "add": lambda: p + q, "exp": lambda: torch.exp(p)}[parts[0]]
                result["ms"] = median_ms(fn, sync, args.budget_ms)
            elif name.startswith("softmax_rows_"):
                vectors.clear()
                n = int(parts[2])
                m = rn(n, n)
                result["ms"] = median_ms(lambda: torch.softmax(m, -1), sync, args.budget_ms)
                del m
            elif name.startswith("mlp_epoch_b") or name.startswith("cnn_epoch_b"):
                vectors.clear()
                set_tf32(torch, False)
                times, acc = mlp_epochs(torch, dev, sync, args.data, int(name[len("mlp_epoch_b"):]),
                                        args.epochs, args.train_limit, cnn=name.startswith("cnn"))
                result.update({"ms": times[-1], "first_epoch_ms": times[0], "accuracy": acc})
            else:
                result = {"error": f"unknown workload {name}"}
        except Exception as e:  # one failing workload must not hide the others
            result = {"error": f"{name}: {type(e).__name__}: {e}"}
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
