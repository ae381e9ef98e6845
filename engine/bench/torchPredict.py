"""Whole-process prediction with the same U-Net in PyTorch (CPU), as a user would run it.

Usage: python3 torchPredict.py LEVELS BASE WIDTH HEIGHT DEPTH THREADS IN.raw OUT.raw
Reads DEPTH slices of WIDTH x HEIGHT uint8 (raw, row-major), z-scores each slice, predicts it as
one tile mirror-padded by the 32-pixel overlap Membrana's tiling uses (rounded up to the U-Net's
size multiple), and writes uint8 probabilities (255 = membrane). Only for `npm run bench`'s
side-by-side comparison with `membrana predict`; Membrana itself never runs Python.
"""
import sys

import numpy as np
import torch

from torchUnet import UNet


def main():
    levels, base, width, height, depth, threads = (int(a) for a in sys.argv[1:7])
    source, target = sys.argv[7:9]
    torch.set_num_threads(threads)
    model = UNet(levels, base).eval()
    multiple = 2 ** (levels - 1)
    pad_y = (-(height + 64) % multiple) + 32
    pad_x = (-(width + 64) % multiple) + 32
    stack = np.fromfile(source, dtype=np.uint8).reshape(depth, height, width).astype(np.float32)
    out = np.empty((depth, height, width), dtype=np.uint8)
    with torch.no_grad():
        for z in range(depth):
            plane = stack[z]
            plane = (plane - plane.mean()) / (plane.std() + 1e-3)
            padded = np.pad(plane, ((32, pad_y), (32, pad_x)), mode="reflect")
            probability = model(torch.from_numpy(padded)[None, None])[0, 0, 32:32 + height, 32:32 + width]
            out[z] = np.rint(probability.numpy() * 255).astype(np.uint8)
    out.tofile(target)


if __name__ == "__main__":
    main()
