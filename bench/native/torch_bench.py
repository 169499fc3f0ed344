"""PyTorch side of bench/native: the same models, data, batch sizes and optimizer as the dlts runs.

    python3 torch_bench.py ch02|ch04|vgg16|kernels [--samples N] [--epochs E] [--threads 2]

Prints one line `RESULT {json}`. Run it through run.ts, which sets up the environment PyTorch
needs to be fast on Debian (see there): the OpenMP build of OpenBLAS and raised glibc malloc
thresholds. Needs Debian's python3-torch and python3-numpy (not installed by CI).
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F

FASHION = os.environ.get("DLTS_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion(samples):
    x = read_idx(os.path.join(FASHION, "train-images-idx3-ubyte.gz"))[:samples].astype(np.float32) / 255
    y = read_idx(os.path.join(FASHION, "train-labels-idx1-ubyte.gz"))[:samples].astype(np.int64)
    return torch.from_numpy(x.copy()), torch.from_numpy(y.copy())


def rmsprop(params):
    # Keras's RMSprop defaults (lr 0.001, rho 0.9, epsilon 1e-7), as dlts and tfjs-layers use.
    return torch.optim.RMSprop(params, lr=0.001, alpha=0.9, eps=1e-7)


def train(model, x, y, batch_size, epochs):
    """Trains `epochs` epochs (after a warm-up of 3 batches); returns the total time, each epoch's
    time, and the last epoch's mean loss and accuracy."""
    opt = rmsprop(model.parameters())
    n = x.shape[0]

    def step(xb, yb, correct):
        opt.zero_grad(set_to_none=True)
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        opt.step()
        # The accuracy metric, as Keras computes it during training (no sync per batch).
        correct += (logits.detach().argmax(1) == yb).sum()
        return loss.detach(), correct

    # Warm-up on a few batches (allocator, oneDNN primitives), like the JS runs.
    correct = torch.zeros((), dtype=torch.int64)
    for i in range(3):
        step(x[i * batch_size : (i + 1) * batch_size], y[i * batch_size : (i + 1) * batch_size], correct)
    opt = rmsprop(model.parameters())
    epoch_seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(n)
        correct = torch.zeros((), dtype=torch.int64)
        total = torch.zeros(())
        for s in range(0, n, batch_size):
            idx = perm[s : s + batch_size]
            loss, correct = step(x[idx], y[idx], correct)
            total += loss * idx.shape[0]
        final = float(total) / n
        accuracy = float(correct) / n
        epoch_seconds.append(time.perf_counter() - start)
    seconds = sum(epoch_seconds)
    return {"seconds": seconds, "samples": n * epochs, "samplesPerSecond": n * epochs / seconds, "epochSeconds": epoch_seconds, "loss": final, "accuracy": accuracy}


def ch02(samples, epochs):
    x, y = fashion(samples)
    x = x.reshape(-1, 784)
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    return train(model, x, y, 128, epochs)


def ch04(samples, epochs):
    x, y = fashion(samples)
    x = x.reshape(-1, 1, 28, 28)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(64, 64, 3), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(64 * 3 * 3, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10),
    )
    return train(model, x, y, 64, epochs)


def vgg16_base():
    layers, c = [], 3
    for filters, convs in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
        for _ in range(convs):
            layers += [torch.nn.Conv2d(c, filters, 3, padding=1), torch.nn.ReLU()]
            c = filters
        layers.append(torch.nn.MaxPool2d(2))
    return torch.nn.Sequential(*layers)


def vgg16(batches, _epochs):
    model = vgg16_base().eval()
    x = torch.rand(8, 3, 150, 150) * 255
    with torch.no_grad():
        model(x)
        start = time.perf_counter()
        for _ in range(batches):
            model(x)
        seconds = time.perf_counter() - start
    images = 8 * batches
    return {"seconds": seconds, "samples": images, "samplesPerSecond": images / seconds}


def timed(fn, flops, reps):
    fn()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - start) / reps)
    return {"ms": best * 1e3, "gflops": flops / best / 1e9}


def kernels(_samples, _epochs):
    out = {}
    for m, k, n in [(1024, 1024, 1024), (128, 784, 512), (784, 128, 512)]:
        a = np.random.rand(m, k).astype(np.float32)
        b = np.random.rand(k, n).astype(np.float32)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        out[f"numpy matmul {m}x{k}x{n}"] = timed(lambda: a @ b, 2 * m * k * n, 20)
        out[f"torch matmul {m}x{k}x{n}"] = timed(lambda: torch.mm(ta, tb), 2 * m * k * n, 20)
    for name, (nb, h, ci, co) in {"vgg block2 conv": (8, 75, 64, 128), "vgg block3 conv": (8, 37, 128, 256), "mnist conv2": (64, 13, 32, 64)}.items():
        x = torch.rand(nb, ci, h, h)
        w = torch.rand(co, ci, 3, 3)
        flops = 2 * nb * h * h * co * ci * 9  # 'same' padding for vgg, approximately for mnist
        with torch.no_grad():
            out[f"torch conv2d {name} {nb}x{h}x{h}x{ci}->{co}"] = timed(lambda: F.conv2d(x, w, padding=1), flops, 10)
    return {"kernels": out}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["ch02", "ch04", "vgg16", "kernels"])
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    fn = {"ch02": ch02, "ch04": ch04, "vgg16": vgg16, "kernels": kernels}[args.what]
    result = fn(args.samples, args.epochs)
    result.update({"mode": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads()})
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
