"""Keras's image pipeline, as Keras runs it, for bench/image-pipeline.ts: DirectoryIterator's
batch loop (PIL decode, convert to RGB, nearest resize to 150 x 150, img_to_array), then
ImageDataGenerator.get_random_transform / apply_transform (scipy.ndimage.affine_transform,
order 1, per channel) / standardize (rescale), with the course's augmentation. The code follows
keras/src/legacy/preprocessing/image.py (Keras itself is not installed; numpy, scipy and Pillow
are Debian's python3-numpy, python3-scipy and python3-pil).

Prints one JSON object. `--workers 2` runs whole batches in a multiprocessing pool of two, as
Keras's `fit(..., workers=2, use_multiprocessing=True)` does with a Sequence.

    /usr/bin/python3 keras_pipeline.py --dir DIR --batches 20 --batch-size 32 [--workers 2] [--parity FILE --parity-count N]
"""
import argparse
import json
import multiprocessing
import os
import time

import numpy as np
import scipy
import scipy.ndimage as ndi
import PIL
from PIL import Image

p = argparse.ArgumentParser()
p.add_argument("--dir", required=True)
p.add_argument("--batches", type=int, default=20)
p.add_argument("--batch-size", type=int, default=32)
p.add_argument("--workers", type=int, default=1)
p.add_argument("--parity")
p.add_argument("--parity-count", type=int, default=0)
args = p.parse_args()

TARGET = (150, 150)
AUG = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2, shear_range=0.2, zoom_range=[0.8, 1.2], horizontal_flip=True)

classes = sorted(d for d in os.listdir(args.dir) if os.path.isdir(os.path.join(args.dir, d)))
files = []
for c in classes:
    for root, _, names in sorted(os.walk(os.path.join(args.dir, c)), key=lambda x: x[0]):
        for n in sorted(names):
            if n.lower().endswith(("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")):
                files.append((os.path.join(root, n), classes.index(c)))


def load_img(path):
    with open(path, "rb") as f:
        img = Image.open(__import__("io").BytesIO(f.read()))
        img = img.convert("RGB") if img.mode != "RGB" else img
        if img.size != (TARGET[1], TARGET[0]):
            img = img.resize((TARGET[1], TARGET[0]), Image.NEAREST)
        return img


def get_random_transform(shape):
    theta = np.random.uniform(-AUG["rotation_range"], AUG["rotation_range"])
    tx = np.random.uniform(-AUG["height_shift_range"], AUG["height_shift_range"]) * shape[0]
    ty = np.random.uniform(-AUG["width_shift_range"], AUG["width_shift_range"]) * shape[1]
    shear = np.random.uniform(-AUG["shear_range"], AUG["shear_range"])
    zx, zy = np.random.uniform(AUG["zoom_range"][0], AUG["zoom_range"][1], 2)
    flip_h = (np.random.random() < 0.5) * AUG["horizontal_flip"]
    flip_v = (np.random.random() < 0.5) * False
    return dict(theta=theta, tx=tx, ty=ty, shear=shear, zx=zx, zy=zy, flip_horizontal=flip_h, flip_vertical=flip_v)


def apply_transform(x, t):
    h, w = x.shape[0], x.shape[1]
    th = np.deg2rad(t["theta"])
    m = np.array([[np.cos(th), -np.sin(th), 0], [np.sin(th), np.cos(th), 0], [0, 0, 1]])
    m = m.dot(np.array([[1, 0, t["tx"]], [0, 1, t["ty"]], [0, 0, 1]]))
    s = np.deg2rad(t["shear"])
    m = m.dot(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    m = m.dot(np.array([[t["zx"], 0, 0], [0, t["zy"], 0], [0, 0, 1]]))
    ox, oy = h / 2 - 0.5, w / 2 - 0.5
    m = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1]]).dot(m).dot(np.array([[1, 0, -ox], [0, 1, -oy], [0, 0, 1]]))
    x = np.rollaxis(x, 2, 0)
    x = np.stack([ndi.affine_transform(c, m[:2, :2], m[:2, 2], order=1, mode="nearest", cval=0.0) for c in x], 0)
    x = np.rollaxis(x, 0, 3)
    if t["flip_horizontal"]:
        x = x[:, ::-1]
    return x


def batch(args_):
    index_array, seed = args_
    np.random.seed(seed)
    out = np.zeros((len(index_array),) + TARGET + (3,), dtype="float32")
    for i, j in enumerate(index_array):
        x = np.asarray(load_img(files[j][0]), dtype="float32")
        x = apply_transform(x, get_random_transform(x.shape))
        x *= 1 / 255
        out[i] = x
    return out, np.array([files[j][1] for j in index_array], dtype="float32")


def batches(total):
    n, bs = len(files), args.batch_size
    seen, index, order, jobs = 0, 0, None, []
    for _ in range(total):
        np.random.seed(1 + seen)
        if index == 0:
            order = np.random.permutation(n)
        cur = (index * bs) % n
        index = index + 1 if n > cur + bs else 0
        jobs.append((order[cur:cur + bs], 1 + seen))
        seen += 1
    return jobs


result = {"versions": {"numpy": np.__version__, "scipy": scipy.__version__, "pillow": PIL.__version__}, "workers": args.workers, "images": len(files)}
jobs = batches(args.batches + 1)
if args.workers == 1:
    batch(jobs[0])
    t0 = time.perf_counter()
    for j in jobs[1:]:
        batch(j)
    seconds = time.perf_counter() - t0
else:
    with multiprocessing.Pool(args.workers) as pool:
        pool.map(batch, jobs[:args.workers])
        t0 = time.perf_counter()
        pool.map(batch, jobs[1:], chunksize=1)
        seconds = time.perf_counter() - t0
result["batchesPerSecond"] = args.batches / seconds

# Per-image costs, one thread: decode + resize, and augmentation.
sample = files[: min(len(files), 64)]
t0 = time.perf_counter()
arrays = [np.asarray(load_img(f), dtype="float32") for f, _ in sample]
result["decodeMsPerImage"] = (time.perf_counter() - t0) * 1000 / len(sample)
np.random.seed(0)
t0 = time.perf_counter()
for x in arrays:
    apply_transform(x, get_random_transform(x.shape))
result["augmentMsPerImage"] = (time.perf_counter() - t0) * 1000 / len(sample)

if args.parity:
    ours = np.fromfile(args.parity, dtype=np.uint8).reshape(-1, TARGET[0], TARGET[1], 3)
    theirs = np.stack([np.asarray(load_img(f)) for f, _ in files[: len(ours)]])
    diff = np.abs(ours.astype(int) - theirs.astype(int))
    result["parity"] = {"images": int(len(ours)), "maxAbsDiff": int(diff.max()), "differingValues": int((diff > 0).sum()), "values": int(diff.size)}
print(json.dumps(result))
