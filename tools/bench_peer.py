#!/usr/bin/env python3
"""Peer side of Kona's benchmarks: runs named workloads in NumPy (OpenBLAS) or PyTorch CPU and
prints one JSON line per workload: {"name": ..., "ms": median milliseconds}.

Called by `./kona bench ...` (kona-bench's Peers), which sets OPENBLAS_NUM_THREADS/OMP_NUM_THREADS
before this process starts. By hand:
    OPENBLAS_NUM_THREADS=2 python3 tools/bench_peer.py --peer openblas --threads 2 --names sgemm_1024
The workload definitions mirror kona-bench's OpsBench: keep the two in step.
"""
import argparse
import json
import sys
import time


def median_ms(fn, budget_ms):
    warm_end = time.perf_counter() + budget_ms * 0.5e-3
    warm = 0
    while time.perf_counter() < warm_end or warm < 3:
        fn()
        warm += 1
    # As kona-bench's Timer: then until two 100 ms windows agree within 10% (at most 5 s).
    give_up = time.perf_counter() + 5.0
    previous = window_ms(fn)
    while time.perf_counter() < give_up:
        current = window_ms(fn)
        if abs(current - previous) <= 0.1 * min(current, previous):
            break
        previous = current
    samples = []
    end = time.perf_counter() + budget_ms * 1e-3
    while len(samples) < 1000 and (len(samples) < 5 or time.perf_counter() < end):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort()
    return samples[len(samples) // 2]


def window_ms(fn):
    start = time.perf_counter()
    end = start + 0.1
    calls = 0
    while True:
        fn()
        calls += 1
        now = time.perf_counter()
        if now >= end:
            return (now - start) * 1e3 / calls


def numpy_workloads(names):
    import numpy as np
    rng = np.random.default_rng(7)
    out = {}
    for name in names:
        if name.startswith("sgemm_"):
            n = int(name.split("_")[1])
            a = rng.standard_normal((n, n), dtype=np.float32)
            b = rng.standard_normal((n, n), dtype=np.float32)
            out[name] = (lambda a=a, b=b: a @ b)
    return out


def torch_workloads(names, threads):
    import torch
    torch.set_num_threads(threads)
    torch.set_grad_enabled(False)
    g = torch.Generator().manual_seed(7)
    rn = lambda *s: torch.randn(*s, generator=g)
    x, w1 = rn(32, 784), rn(784, 128)
    h, w2 = rn(32, 128), rn(128, 10)
    dy1, dy2 = rn(32, 128), rn(32, 10)
    fixed = {
        "mlp_fc1_fwd": lambda: x @ w1,
        "mlp_fc2_fwd": lambda: h @ w2,
        "mlp_fc1_dW_xT_dy": lambda: x.t() @ dy1,
        "mlp_fc1_dX_dy_wT": lambda: dy1 @ w1.t(),
        "mlp_fc2_dW_hT_dy": lambda: h.t() @ dy2,
        "mlp_fc2_dX_dy_wT": lambda: dy2 @ w2.t(),
    }
    out = {}
    cache = {}

    def vec(n):
        if n not in cache:
            cache[n] = (rn(n), rn(n))
        return cache[n]

    for name in names:
        if name in fixed:
            out[name] = fixed[name]
        elif name.startswith("sgemm_"):
            n = int(name.split("_")[1])
            a, b = rn(n, n), rn(n, n)
            out[name] = (lambda a=a, b=b: a @ b)
        elif name.split("_")[0] in ("add", "mul", "exp", "relu") and name.split("_")[1] in ("1M", "16M"):
            op, size = name.split("_")
            p, q = vec(1 << 20 if size == "1M" else 1 << 24)
            out[name] = {"add": lambda p=p, q=q: p + q, "mul": lambda p=p, q=q: p * q,
                         "exp": lambda p=p: torch.exp(p), "relu": lambda p=p: torch.relu(p)}[op]
        elif name in ("sum_rows_4096", "softmax_rows_4096"):
            m = cache.setdefault("m4096", rn(4096, 4096))
            out[name] = (lambda m=m: m.sum(1)) if name.startswith("sum") else (lambda m=m: torch.softmax(m, 1))
    return out


def torch_train_workloads(names, threads):
    """Training-step workloads of `./kona bench train`: the seed-002 MLP (784-128-10, ReLU,
    dropout 0.2, Adam, cross-entropy) at batch 32 and 128, and a 1,000-op autograd chain."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    for name in names:
        if name.startswith("mlp_train_step_b"):
            batch = int(name[len("mlp_train_step_b"):])
            model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                        torch.nn.Dropout(0.2), torch.nn.Linear(128, 10))
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            loss_fn = torch.nn.CrossEntropyLoss()
            x = torch.rand(batch, 28, 28)
            y = torch.randint(0, 10, (batch,))

            def step(model=model, opt=opt, x=x, y=y, loss_fn=loss_fn):
                opt.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()
            out[name] = step
        elif name == "op_chain_1000":
            x0 = torch.randn(8, requires_grad=True)
            w = torch.randn(8)

            def chain(x0=x0, w=w):
                y = x0
                for i in range(1000):
                    y = y * w if i % 2 == 0 else torch.tanh(y + w)
                y.sum().backward()
                x0.grad = None
            out[name] = chain
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", choices=["openblas", "torch", "torch-train"], required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--budget-ms", type=float, default=300.0)
    ap.add_argument("--names", required=True)
    args = ap.parse_args()
    names = [n for n in args.names.split(",") if n]
    try:
        if args.peer == "openblas":
            table = numpy_workloads(names)
        elif args.peer == "torch-train":
            table = torch_train_workloads(names, args.threads)
        else:
            table = torch_workloads(names, args.threads)
    except ImportError as e:
        print(json.dumps({"error": f"{args.peer} is not installed for python3 ({e}); "
                                   f"install torch/numpy with pip or apt (python3-torch, python3-numpy)"}))
        return 0
    for name in names:
        if name not in table:
            print(json.dumps({"error": f"unknown workload {name} for peer {args.peer}"}))
            continue
        print(json.dumps({"name": name, "ms": median_ms(table[name], args.budget_ms)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
