"""The same U-Net as engine/model/buildUnet.ts in PyTorch (CPU), timed like engine/bench/bench.ts.

Usage: python3 torchUnet.py LEVELS BASE PATCH BATCH SLICE THREADS -> one JSON line.
Only for `npm run bench`'s side-by-side comparison; Membrana itself never runs Python.
"""
import json
import resource
import sys
import time

import torch
import torch.nn as nn



def block(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(o, o, 3, padding=1), nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self, levels, base):
        super().__init__()
        self.down = nn.ModuleList()
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        ch, c = 1, base
        for _ in range(levels - 1):
            self.down.append(block(ch, c))
            ch, c = c, c * 2
        self.bottom = block(ch, c)
        for _ in range(levels - 1):
            self.up.append(nn.ConvTranspose2d(c, c // 2, 2, 2))
            self.dec.append(block(c, c // 2))
            c //= 2
        self.out = nn.Conv2d(base, 1, 1)

    def forward(self, x):
        skips = []
        for d in self.down:
            x = d(x)
            skips.append(x)
            x = nn.functional.max_pool2d(x, 2)
        x = self.bottom(x)
        for u, d in zip(self.up, self.dec):
            x = d(torch.cat([skips.pop(), u(x)], 1))
        return torch.sigmoid(self.out(x))


def main():
    levels, base, patch, batch, slice_size, threads = (int(a) for a in sys.argv[1:7])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = UNet(levels, base)
    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = nn.BCELoss()
    x = torch.rand(batch, 1, patch, patch)
    y = (torch.rand(batch, 1, patch, patch) > 0.5).float()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    def timed(fn, repeats):
        fn()
        best = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
        return best


    train_s = timed(step, 3)
    # Prediction on a whole slice, padded by the same 32-pixel overlap as tiled prediction uses.
    padded = ((slice_size + 64 + 2 ** (levels - 1) - 1) // 2 ** (levels - 1)) * 2 ** (levels - 1)
    xs = torch.rand(1, 1, padded, padded)
    with torch.no_grad():
        predict_s = timed(lambda: model(xs), 3)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": threads,
        "train_px_per_s": batch * patch * patch / train_s,
        "predict_px_per_s": slice_size * slice_size / predict_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
