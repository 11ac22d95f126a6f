#!/usr/bin/env python3
"""PyTorch CPU side of `./kona bench layers` (kona-bench's LayersBench: keep the two in step).

Prints one JSON line per workload: {"name": ..., "ms": median milliseconds}; the MNIST CNN epoch
prints {"name": "mnist_cnn_epoch_b128", "ms": ms per 60,000-image epoch, "accuracy": test accuracy}.
Called by LayersBench (through Peers) at 1 and 2 threads, with OMP_NUM_THREADS set. By hand:
    OMP_NUM_THREADS=2 python3 tools/bench_layers_peer.py --peer torch --threads 2 \
        --names conv2d_3x3_64_32x32_b32,mnist_cnn_epoch_b128 --data ~/.kona/datasets/mnist --train-limit 6400
Forward+backward workloads back-propagate y.sum() and drop the gradients after each run, timed as
bench_peer.py times (warm-up for half the budget, then the median of single runs).
"""
import argparse
import json
import os
import sys
import time

from bench_peer import median_ms

MNIST = "mnist_cnn_epoch_b128"


def layer_workloads(torch, names):
    nn = torch.nn
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(7)
    out = {}

    def fwd_bwd(module, x, forward):
        params = list(module.parameters())

        def run():
            forward().sum().backward()
            x.grad = None
            for p in params:
                p.grad = None
        return run

    for name in names:
        if name == "conv2d_3x3_64_32x32_b32":
            conv = nn.Conv2d(64, 64, 3, padding=1)
            x = torch.randn(32, 64, 32, 32, generator=g).requires_grad_()
            out[name] = fwd_bwd(conv, x, lambda conv=conv, x=x: conv(x))
        elif name == "lstm_h256_t100_b32":
            lstm = nn.LSTM(256, 256)
            x = torch.randn(100, 32, 256, generator=g).requires_grad_()
            out[name] = fwd_bwd(lstm, x, lambda lstm=lstm, x=x: lstm(x)[0])
        elif name == "transformer_enc_d256_h4_l128_b16":
            enc = nn.TransformerEncoderLayer(256, 4, dim_feedforward=1024, dropout=0.1, activation="relu",
                                             batch_first=True)
            enc.train()
            x = torch.randn(16, 128, 256, generator=g).requires_grad_()
            out[name] = fwd_bwd(enc, x, lambda enc=enc, x=x: enc(x))
    return out


def read_idx(path):
    import numpy as np
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def mnist_cnn():
    import torch.nn as nn
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Dropout(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(128, 10))


def mnist_epoch(torch, data_dir, train_limit):
    """One epoch of issue 5's CNN (Adam 1e-3, batch 128, shuffled), after 3 warm-up steps on a
    throwaway model; returns (ms per 60,000-image epoch, test accuracy)."""
    x_train = torch.from_numpy(read_idx(os.path.join(data_dir, "train-images-idx3-ubyte")).copy())
    y_train = torch.from_numpy(read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte")).copy()).long()
    x_test = torch.from_numpy(read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte")).copy())
    y_test = torch.from_numpy(read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte")).copy()).long()
    full = x_train.shape[0]
    if train_limit > 0:
        x_train, y_train = x_train[:train_limit], y_train[:train_limit]
    x_train = x_train.reshape(-1, 1, 28, 28).float() / 255.0
    x_test = x_test.reshape(-1, 1, 28, 28).float() / 255.0
    n = x_train.shape[0]
    loss_fn = torch.nn.CrossEntropyLoss()
    torch.manual_seed(1)
    warm = mnist_cnn()
    warm_opt = torch.optim.Adam(warm.parameters(), lr=1e-3)
    for i in range(3):
        warm_opt.zero_grad()
        loss_fn(warm(x_train[i * 128:(i + 1) * 128]), y_train[i * 128:(i + 1) * 128]).backward()
        warm_opt.step()
    torch.manual_seed(0)
    model = mnist_cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    t0 = time.perf_counter()
    perm = torch.randperm(n)
    for i in range(0, n, 128):
        idx = perm[i:i + 128]
        opt.zero_grad()
        loss = loss_fn(model(x_train[idx]), y_train[idx])
        loss.backward()
        opt.step()
        loss.item()
    ms = (time.perf_counter() - t0) * 1e3
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x_test.shape[0], 1000):
            correct += (model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
    return ms * full / n, correct / x_test.shape[0]


def profile(torch, budget_ms):
    """The rows of kona-bench's LayersProfile for PyTorch: each layer of the MNIST CNN at batch 128,
    forward alone and forward+backward, and the Adam step."""
    nn = torch.nn
    torch.manual_seed(0)
    b = 128
    conv1, conv2, pool = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3), nn.MaxPool2d(2)
    drop1, fc1, drop2, fc2 = nn.Dropout(0.25), nn.Linear(9216, 128), nn.Dropout(0.5), nn.Linear(128, 10)
    x0 = torch.rand(b, 1, 28, 28)
    x1 = torch.randn(b, 32, 26, 26).requires_grad_()
    x2 = torch.randn(b, 64, 24, 24).requires_grad_()
    x3 = torch.randn(b, 64, 12, 12).requires_grad_()
    x5 = torch.randn(b, 128).requires_grad_()
    logits = torch.randn(b, 10).requires_grad_()
    labels = torch.randint(0, 10, (b,))
    ce = nn.CrossEntropyLoss()
    rows = [("conv1 1->32 (x no grad)", x0, lambda: conv1(x0)), ("relu [128,32,26,26]", x1, lambda: torch.relu(x1)),
            ("conv2 32->64", x1, lambda: conv2(x1)), ("relu [128,64,24,24]", x2, lambda: torch.relu(x2)),
            ("maxpool2 [128,64,24,24]", x2, lambda: pool(x2)), ("dropout0.25 [128,64,12,12]", x3, lambda: drop1(x3)),
            ("flatten+fc1 9216->128", x3, lambda: fc1(x3.flatten(1))),
            ("relu+dropout0.5+fc2", x5, lambda: fc2(drop2(torch.relu(x5)))), ("cross-entropy", logits, lambda: ce(logits, labels))]
    print(f"torch, {torch.get_num_threads()} threads, batch {b} (ms, medians)")
    print(f"{'layer':28s} {'forward':>9s} {'backward':>9s} {'total':>9s}")
    total = 0.0
    for name, x, fwd in rows:
        f = median_ms(fwd, budget_ms)

        def both(x=x, fwd=fwd):
            y = fwd()
            y.backward(torch.ones_like(y))
            x.grad = None
        fb = median_ms(both, budget_ms)
        total += fb
        print(f"{name:28s} {f:9.2f} {fb - f:9.2f} {fb:9.2f}")
    params = [p for m in (conv1, conv2, fc1, fc2) for p in m.parameters()]
    for p in params:
        p.grad = torch.randn_like(p)
    adam = torch.optim.Adam(params, lr=1e-3)
    a = median_ms(adam.step, budget_ms)
    print(f"{'adam step (1.2M params)':28s} {'':9s} {'':9s} {a:9.2f}")
    print(f"{'sum':28s} {'':9s} {'':9s} {total + a:9.2f}")
    model = mnist_cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xb = torch.rand(b, 1, 28, 28)

    def step():
        opt.zero_grad()
        ce(model(xb), labels).backward()
        opt.step()
    print(f"{'whole step, fixed batch':28s} {'':9s} {'':9s} {median_ms(step, budget_ms):9.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", choices=["torch"], default="torch")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--budget-ms", type=float, default=3000.0)
    ap.add_argument("--names", default="")
    ap.add_argument("--data", default=os.path.expanduser("~/.kona/datasets/mnist"))
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--profile", action="store_true", help="print the MNIST CNN's per-layer times (LayersProfile's rows)")
    args = ap.parse_args()
    names = [n for n in args.names.split(",") if n]
    try:
        import torch
    except ImportError as e:
        print(json.dumps({"error": f"torch is not installed for python3 ({e}); pip install torch"}))
        return 0
    torch.set_num_threads(args.threads)
    if args.profile:
        profile(torch, args.budget_ms)
        return 0
    table = layer_workloads(torch, names)
    for name in names:
        if name == MNIST:
            ms, acc = mnist_epoch(torch, args.data, args.train_limit)
            print(json.dumps({"name": name, "ms": ms, "accuracy": acc}), flush=True)
        elif name in table:
            print(json.dumps({"name": name, "ms": median_ms(table[name], args.budget_ms)}), flush=True)
        else:
            print(json.dumps({"error": f"unknown workload {name}"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
