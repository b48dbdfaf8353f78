#!/usr/bin/env python3
"""PyTorch side of tools/bench-core.mjs: trains the same model on the same data
in the same order (batch, Adam lr) and prints one JSON line with the measured
throughput. Reads the data written by bench-core.mjs:
  <dir>/train_x.f32 (N x 784 float32), train_y.i32, test_x.f32, test_y.i32, meta.json
Usage: /usr/bin/python3 torch_train.py <dir> <mlp|cnn-small> <batch> <lr> <threads>
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def build(model_name, hidden):
    if model_name == "mlp":
        layers, width = [], 784
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, 10))
        return nn.Sequential(nn.Flatten(), *layers)
    if model_name == "cnn-small":
        # retain's cnn-small: conv3x3x32 (valid) relu pool2, conv3x3x64 (valid) relu pool2,
        # dense 128 relu, 10. NCHW here, NHWC in tfjs: the flatten order differs, the model does not.
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
        )
    raise SystemExit(f"unknown model {model_name}")


def blas_library():
    """The BLAS shared library this process loaded (Debian's torch uses the libblas.so.3 alternative)."""
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "blas" in line}
    except OSError:
        return "unknown BLAS"
    names = sorted(lib.split("/")[-2] + "/" + lib.split("/")[-1] for lib in libs if lib.startswith("/"))
    return ", ".join(names) or "no BLAS library mapped"


def main():
    data_dir, model_name, batch, lr, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    meta = json.load(open(f"{data_dir}/meta.json"))
    n, n_test = meta["train"], meta["test"]
    shape = (-1, 1, 28, 28) if model_name == "cnn-small" else (-1, 784)
    x = torch.from_numpy(np.fromfile(f"{data_dir}/train_x.f32", dtype=np.float32).reshape(shape))
    y = torch.from_numpy(np.fromfile(f"{data_dir}/train_y.i32", dtype=np.int32).astype(np.int64))
    xt = torch.from_numpy(np.fromfile(f"{data_dir}/test_x.f32", dtype=np.float32).reshape(shape))
    yt = torch.from_numpy(np.fromfile(f"{data_dir}/test_y.i32", dtype=np.int32).astype(np.int64))
    model = build(model_name, meta.get("hidden", [400, 400]))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    start = time.perf_counter()
    for i in range(0, n - batch + 1, batch):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    trained = (n // batch) * batch
    model.eval()
    with torch.no_grad():
        correct = sum(int((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum()) for i in range(0, n_test, 1000))
    print(json.dumps({
        "system": f"PyTorch {torch.__version__} CPU ({torch.get_num_threads()} thread(s))",
        "blas": blas_library(),
        "samples": trained, "seconds": seconds, "samplesPerSec": trained / seconds,
        "testAccuracy": correct / n_test, "finalLoss": float(loss),
    }))


if __name__ == "__main__":
    main()
