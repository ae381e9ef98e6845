"""GPU reference figures for the closing notes (not part of `npm run bench`; needs CUDA).

Usage: python3 gpuReference.py MODEL_ONNX SIZE REPEATS -> JSON lines:
- PyTorch (CUDA, fp32, cuDNN autotuned) on the same U-Net as engine/model/buildUnet.ts
  (levels 4, base 16): one SIZE² slice as one tile, and training steps of batch 4 × 256²;
- ONNX Runtime's Python package on Membrana's own exported model.onnx with every provider it
  has (CUDA only where that build carries it).
Membrana itself never runs Python.
"""
import json
import sys
import time

import numpy as np
import torch

from torchUnet import UNet  # noqa: E402  (same network as the CPU comparison)

model_path, size, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
x = np.random.default_rng(1).standard_normal((1, 1, size, size), dtype=np.float32)


def timed(run):
    run()  # warm-up (kernel selection, allocation)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


if torch.cuda.is_available():
    torch.backends.cudnn.benchmark = True
    net = UNet(4, 16).cuda().eval()
    xt = torch.from_numpy(x).cuda()

    def torch_run():
        with torch.no_grad():
            net(xt)
        torch.cuda.synchronize()

    s = timed(torch_run)
    print(json.dumps({"runtime": "pytorch-cuda", "device": torch.cuda.get_device_name(), "size": size, "seconds": s, "px_per_s": size * size / s}))

    trained = UNet(4, 16).cuda().train()
    optimizer = torch.optim.Adam(trained.parameters(), 1e-3)
    xb = torch.rand(4, 1, 256, 256, device="cuda")
    yb = (torch.rand(4, 1, 256, 256, device="cuda") > 0.5).float()

    def train_run():
        optimizer.zero_grad()
        torch.nn.functional.binary_cross_entropy(trained(xb), yb).backward()
        optimizer.step()
        torch.cuda.synchronize()

    s = timed(train_run)
    print(json.dumps({"runtime": "pytorch-cuda-train", "batch": "4x256x256", "seconds": s, "train_px_per_s": 4 * 256 * 256 / s}))

try:
    import onnxruntime as ort

    for provider in ort.get_available_providers():
        session = ort.InferenceSession(model_path, providers=[provider])
        name = session.get_inputs()[0].name
        s = timed(lambda: session.run(None, {name: x}))
        print(json.dumps({"runtime": f"onnxruntime-python {ort.__version__}", "provider": provider, "size": size, "seconds": s, "px_per_s": size * size / s}))
except ImportError as error:
    print(json.dumps({"runtime": "onnxruntime-python", "error": str(error)}))
