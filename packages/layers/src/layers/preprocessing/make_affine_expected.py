"""Writes affine_expected.json: Keras 3's numpy-backend affine_transform (pad, then
scipy.ndimage.map_coordinates) for a few transforms, fill modes and both interpolations, as the
reference of image_affine.ts. The code below follows keras/src/backend/numpy/image.py.

    /usr/bin/python3 make_affine_expected.py     (Debian's python3-numpy and python3-scipy)
"""
import json
import os

import numpy as np
import scipy
import scipy.ndimage as ndi


def map_coordinates(inputs, coordinates, order, fill_mode, fill_value):
    padding = [(max(-np.floor(c.min()).astype(int) + 1, 0), max(np.ceil(c.max()).astype(int) + 1 - size, 0))
               for c, size in zip(coordinates, inputs.shape)]
    shifted = [c + p[0] for p, c in zip(padding, coordinates)]
    pad_mode = {"nearest": "edge", "mirror": "reflect", "reflect": "symmetric"}.get(fill_mode, fill_mode)
    if fill_mode == "constant":
        padded = np.pad(inputs, padding, mode=pad_mode, constant_values=fill_value)
    else:
        padded = np.pad(inputs, padding, mode=pad_mode)
    return ndi.map_coordinates(padded.astype("float32"), shifted, order=order, mode=fill_mode, cval=fill_value)


def affine_transform(image, t, interpolation, fill_mode, fill_value):
    h, w, c = image.shape
    rows, cols, chans = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing="ij")
    a0, a1, a2, b0, b1, b2 = t
    coords = np.stack([b0 * cols + b1 * rows + b2, a0 * cols + a1 * rows + a2, chans.astype(float)])
    return map_coordinates(image, coords, {"nearest": 0, "bilinear": 1}[interpolation], fill_mode, fill_value)


rng = np.random.RandomState(11)
image = np.round(rng.uniform(0, 255, (6, 7, 2)), 2).astype(np.float32)
th = np.deg2rad(30)
cx, cy = 3.0, 2.5
rot = [np.cos(th), -np.sin(th), cx - cx * np.cos(th) + cy * np.sin(th), np.sin(th), np.cos(th), cy - cx * np.sin(th) - cy * np.cos(th)]
zoom = [1.7, 0, 3.0 * (1 - 1.7), 0, 0.6, 2.5 * (1 - 0.6)]
shift = [1, 0, -2.3, 0, 1, 1.6]
far = [1, 0, 9.5, 0, 1, -8.25]
cases = []
for name, t in [("rotate30", rot), ("zoom", zoom), ("shift", shift), ("far", far)]:
    for mode in ["reflect", "wrap", "constant", "nearest", "mirror"]:
        for interp in ["bilinear", "nearest"]:
            out = affine_transform(image, t, interp, mode, 7.5)
            cases.append({"name": name, "transform": [float(v) for v in t], "fill_mode": mode, "interpolation": interp,
                          "fill_value": 7.5, "output": [round(float(v), 4) for v in out.ravel()]})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "affine_expected.json"), "w") as f:
    json.dump({"scipy": scipy.__version__, "shape": list(image.shape), "input": [round(float(v), 4) for v in image.ravel()],
               "cases": cases}, f, separators=(",", ":"))
