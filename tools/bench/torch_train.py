#!/usr/bin/env python3
"""PyTorch side of tools/bench-core.mjs and tools/bench-train.mjs: trains the same
model on the same data in the same order (batch, Adam lr) and prints one JSON
line with the measured throughput. Reads the data written by the JS side:
  <dir>/train_x.f32 (N x 784 float32), train_y.i32, test_x.f32, test_y.i32, meta.json
Usage: /usr/bin/python3 torch_train.py <dir> <mlp|cnn-small> <batch> <lr> <threads> [warmup_steps] [fixed_steps]
                        [inference_batch] [inference_passes]

Threads: torch.set_num_threads() does not reach OpenBLAS (Debian's torch calls
the system libblas.so.3; the openblas-pthread build starts one thread per core
on its own), so this script pins OPENBLAS_NUM_THREADS and OMP_NUM_THREADS to
<threads> before torch is loaded, unless the caller set them, and reports the
thread count OpenBLAS really uses. warmup_steps (default 5) run on a throwaway
copy of the model before the timed epoch. fixed_steps (default 0: off) also
times that many steps on one fixed batch (the harness-free microbenchmark).

Inference (after training): model.eval() under torch.inference_mode() (no
autograd recording), the test set in batches of inference_batch (default 1000),
already tensors (no data conversion timed), one untimed pass first (allocator
growth, oneDNN primitive creation; it also gives the test accuracy), then
inference_passes (default 3) timed passes: the median pass is reported, by wall
clock and per CPU second.

Allocator: glibc's malloc serves a block above its mmap threshold (128 KiB at
start, raised as mapped blocks are freed, never above 32 MiB) with a fresh mmap,
unmaps it on free, and trims the heap top, so with the defaults the steps keep
re-faulting their large activations page by page (cnn-small's first conv output
is 86 MB at batch 1000: always mapped). Measured on the 2-core AMD EPYC dev
machine (per CPU second, 2026-11-29): with the defaults cnn-small trains ~4x and
infers ~8x slower, the MLP ~2-3x and ~3x. The JS harness therefore runs this
script with GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=...
(a heap that grows once and is kept, as tfjs-wasm's linear memory is) unless
told otherwise; "allocator" in the output says which was used.
"""
import ctypes
import json
import os
import statistics
import sys
import time

THREADS = int(sys.argv[5]) if len(sys.argv) > 5 else 1
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))

import numpy as np  # noqa: E402  (after the thread environment is set)
import torch  # noqa: E402
from torch import nn  # noqa: E402


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
        return "unknown BLAS", None
    paths = sorted(lib for lib in libs if lib.startswith("/"))
    names = ", ".join(p.split("/")[-2] + "/" + p.split("/")[-1] for p in paths) or "no BLAS library mapped"
    return names, next((p for p in paths if "openblas" in p.split("/")[-1]), None)


def openblas_info(path):
    """OpenBLAS' own thread count and kernel (core type), read through its C API."""
    if path is None:
        return None
    try:
        lib = ctypes.CDLL(path)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return {"threads": lib.openblas_get_num_threads(), "core": lib.openblas_get_corename().decode()}
    except (OSError, AttributeError):
        return None


def train_steps(model, opt, loss_fn, x, y, batch, steps, fixed):
    for s in range(steps):
        i = 0 if fixed else s * batch
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()
    return loss


def inference_pass(model, xt, yt, batch):
    """Correct predictions on the test set in batches of `batch` (call under inference_mode, model in eval)."""
    return sum(int((model(xt[i:i + batch]).argmax(1) == yt[i:i + batch]).sum()) for i in range(0, len(xt), batch))


def time_inference(model, xt, yt, batch, passes):
    """(test accuracy, median wall samples/s, median per-CPU-second samples/s) of `passes` timed passes after an untimed one."""
    model.eval()
    with torch.inference_mode():
        correct = inference_pass(model, xt, yt, batch)
        wall, cpu = [], []
        for _ in range(passes):
            start, cpu_start = time.perf_counter(), time.process_time()
            inference_pass(model, xt, yt, batch)
            wall.append(len(xt) / (time.perf_counter() - start))
            cpu_seconds = time.process_time() - cpu_start
            cpu.append(len(xt) / cpu_seconds if cpu_seconds > 0 else float("nan"))
    return correct / len(xt), statistics.median(wall), statistics.median(cpu)


def main():
    data_dir, model_name, batch, lr = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    warmup = int(sys.argv[6]) if len(sys.argv) > 6 else 5
    fixed_steps = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    inference_batch = int(sys.argv[8]) if len(sys.argv) > 8 else 1000
    inference_passes = int(sys.argv[9]) if len(sys.argv) > 9 else 3
    if inference_batch < 1 or inference_passes < 1:
        raise SystemExit(f"inference_batch and inference_passes must be >= 1, got {inference_batch}, {inference_passes}")
    torch.set_num_threads(THREADS)
    meta = json.load(open(f"{data_dir}/meta.json"))
    n, n_test = meta["train"], meta["test"]
    hidden = meta.get("hidden", [400, 400])
    shape = (-1, 1, 28, 28) if model_name == "cnn-small" else (-1, 784)
    x = torch.from_numpy(np.fromfile(f"{data_dir}/train_x.f32", dtype=np.float32).reshape(shape))
    y = torch.from_numpy(np.fromfile(f"{data_dir}/train_y.i32", dtype=np.int32).astype(np.int64))
    xt = torch.from_numpy(np.fromfile(f"{data_dir}/test_x.f32", dtype=np.float32).reshape(shape))
    yt = torch.from_numpy(np.fromfile(f"{data_dir}/test_y.i32", dtype=np.int32).astype(np.int64))
    loss_fn = nn.CrossEntropyLoss()
    if warmup > 0:
        torch.manual_seed(1)
        scratch = build(model_name, hidden)
        train_steps(scratch, torch.optim.Adam(scratch.parameters(), lr=lr), loss_fn, x, y, batch, min(warmup, n // batch), True)
    fixed_rate = None
    if fixed_steps > 0:
        torch.manual_seed(1)
        scratch = build(model_name, hidden)
        start = time.perf_counter()
        train_steps(scratch, torch.optim.Adam(scratch.parameters(), lr=lr), loss_fn, x, y, batch, fixed_steps, True)
        fixed_rate = fixed_steps * batch / (time.perf_counter() - start)
    torch.manual_seed(0)
    model = build(model_name, hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    steps = n // batch
    start, cpu_start = time.perf_counter(), time.process_time()
    loss = train_steps(model, opt, loss_fn, x, y, batch, steps, False)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    trained = steps * batch
    accuracy, inference_rate, inference_cpu_rate = time_inference(model, xt[:n_test], yt[:n_test], inference_batch, inference_passes)
    blas, blas_path = blas_library()
    print(json.dumps({
        "system": f"PyTorch {torch.__version__} CPU ({torch.get_num_threads()} thread(s))",
        "blas": blas, "openblas": openblas_info(blas_path),
        "allocator": os.environ.get("GLIBC_TUNABLES") or "glibc malloc defaults",
        "samples": trained, "seconds": seconds, "samplesPerSec": trained / seconds,
        "cpuSamplesPerSec": trained / cpu_seconds if cpu_seconds > 0 else None,
        "fixedBatchSamplesPerSec": fixed_rate,
        "inferenceBatch": inference_batch, "inferencePasses": inference_passes,
        "inferenceSamplesPerSec": inference_rate, "inferenceCpuSamplesPerSec": inference_cpu_rate,
        "testAccuracy": accuracy, "finalLoss": float(loss),
    }))


if __name__ == "__main__":
    main()
