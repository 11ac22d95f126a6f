#!/usr/bin/env python3
"""Peer side of `./kona bench mnist`: trains seed 002's MLP (Flatten, Dense 128 relu, Dropout 0.2,
Dense 10 softmax; Adam; sparse categorical cross-entropy) on MNIST in PyTorch CPU or Keras on
TensorFlow CPU, from the same IDX files Kona cached, and prints one JSON line:
{"framework": ..., "batch": ..., "epoch_seconds": [...], "accuracy": ...}.

By hand (threads are also set through the environment before the frameworks load):
    OMP_NUM_THREADS=2 python3 tools/bench_mnist_peer.py --framework torch --threads 2 --batch 32 \
        --epochs 2 --data ~/.kona/datasets/mnist
"""
import argparse
import json
import os
import sys
import time


def read_idx(path):
    import numpy as np
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir):
    x_train = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte")).astype("float32") / 255.0
    y_train = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte")).astype("int64")
    x_test = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte")).astype("float32") / 255.0
    y_test = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte")).astype("int64")
    return x_train, y_train, x_test, y_test


def run_torch(args, data):
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in data)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train),
                                         batch_size=args.batch, shuffle=True)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                torch.nn.Dropout(0.2), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
        times.append(time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
    return times, acc


def run_keras(args, data):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import keras
    keras.utils.set_random_seed(0)
    x_train, y_train, x_test, y_test = data
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.2),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    times = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch, verbose=0, callbacks=[Timer()])
    acc = model.evaluate(x_test, y_test, verbose=0)[1]
    return times, float(acc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--framework", choices=["torch", "keras"], required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    try:
        data = load(args.data)
        times, acc = (run_torch if args.framework == "torch" else run_keras)(args, data)
    except ImportError as e:
        print(json.dumps({"error": f"{args.framework} is not installed for python3 ({e}); "
                                   "install it with pip (torch, tensorflow-cpu, keras)"}))
        return 0
    print(json.dumps({"framework": args.framework, "batch": args.batch, "threads": args.threads,
                      "epoch_seconds": times, "accuracy": acc}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
