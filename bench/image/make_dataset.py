"""The bench's JPEGs, written with Pillow: photo-sized (400-600 x 300-450, about the PetImages
average) pictures of a shape on a gradient, with Gaussian noise so they compress and decode like
photographs rather than flat drawings (about 60 KB each at quality 85).

    /usr/bin/python3 make_dataset.py DIR PER_CLASS
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

out, per_class = sys.argv[1], int(sys.argv[2])
rng = np.random.RandomState(1)
for cls in ("cats", "dogs"):
    os.makedirs(os.path.join(out, cls), exist_ok=True)
    for i in range(1, per_class + 1):
        w, h = 400 + rng.randint(200), 300 + rng.randint(150)
        a, b = rng.randint(40, 220, 3), rng.randint(40, 220, 3)
        t = np.linspace(0, 1, w)[None, :, None]
        img = (a * (1 - t) + b * t) * np.ones((h, 1, 1))
        pic = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
        draw = ImageDraw.Draw(pic)
        r = min(w, h) * (0.15 + 0.2 * rng.rand())
        cx, cy = r + rng.rand() * (w - 2 * r), r + rng.rand() * (h - 2 * r)
        colour = tuple(int(v) for v in rng.randint(20, 235, 3))
        if cls == "cats":
            draw.ellipse([cx - r, cy - 0.8 * r, cx + r, cy + 0.8 * r], fill=colour)
        else:
            draw.polygon([(cx - r, cy - r), (cx + r, cy - r * 0.6), (cx + r * 0.7, cy + r), (cx - r * 0.8, cy + r * 0.7)], fill=colour)
        arr = np.asarray(pic).astype(np.float32) + rng.normal(0, 18, (h, w, 3))
        Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(os.path.join(out, cls, f"{cls[:3]}.{i}.jpg"), quality=85)
