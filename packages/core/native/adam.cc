// retain-blas: one fused Adam step (optionally in place), on the wasm heap.
#include "retain-blas-internal.h"

#include <cmath>
#include <string>

namespace retain {

namespace {

// The Adam pass itself: restrict pointers (inputs and outputs never overlap: the
// outputs are fresh tensors) let the compiler vectorise the divisions and
// square roots, which dominate a scalar loop. The loops here are noinline:
// inlined into their N-API callers, GCC 12 drops the restrict facts and leaves
// them scalar (measured: 0.45 ms vector vs 1.9 ms scalar for 478k weights).
__attribute__((noinline)) void AdamLoop(const float* __restrict w, const float* __restrict m, const float* __restrict v, const float* __restrict g,
              const float* __restrict mask, float* __restrict w2, float* __restrict m2, float* __restrict v2, int64_t n, float lr,
              float b1, float b2, float eps, float bc1, float bc2, float c1, float c2) {
  if (mask == nullptr) {
    for (int64_t i = 0; i < n; i++) {
      const float mi = b1 * m[i] + c1 * g[i];
      const float vi = b2 * v[i] + c2 * (g[i] * g[i]);
      m2[i] = mi;
      v2[i] = vi;
      w2[i] = w[i] - lr * ((mi / bc1) / (std::sqrt(vi / bc2) + eps));
    }
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i] * mask[i];
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * (gi * gi);
    m2[i] = mi;
    v2[i] = vi;
    w2[i] = w[i] - lr * ((mi / bc1) / (std::sqrt(vi / bc2) + eps));
  }
}

// The same step in place (value, moments overwritten; used when nothing else
// references their memory): no fresh outputs, so the working set stays the
// four arrays and stays in cache from step to step.
__attribute__((noinline)) void AdamInPlace(float* __restrict w, float* __restrict m, float* __restrict v, const float* __restrict g, const float* __restrict mask,
                 int64_t n, float lr, float b1, float b2, float eps, float bc1, float bc2, float c1, float c2) {
  for (int64_t i = 0; i < n; i++) {
    const float gi = mask == nullptr ? g[i] : g[i] * mask[i];
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] - lr * ((mi / bc1) / (std::sqrt(vi / bc2) + eps));
  }
}

}  // namespace

// adam(buffer, offsets Float64Array[8], n, hyper Float64Array[6]):
// offsets (bytes): var, m, v, grad, mask (-1: none), newVar, newM, newV;
// hyper: lr, beta1, beta2, epsilon, 1 - beta1^t, 1 - beta2^t.
// One pass of Adam (Kingma & Ba 2015) in tfjs' formulation:
//   g' = g * mask; m' = b1 m + (1 - b1) g'; v' = b2 v + (1 - b2) g'^2;
//   w' = w - lr (m' / bc1) / (sqrt(v' / bc2) + eps)
// New value and moments equal to the old ones' offsets: updated in place.
napi_value Adam(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  void* data = nullptr;
  size_t length = 0;
  if (!HeapCall(env, info, "adam", 4, argv, &data, &length)) return nullptr;
  void* offsets_data = nullptr;
  void* hyper_data = nullptr;
  if (!TypedArrayArg(env, argv[1], napi_float64_array, 8, &offsets_data)) return Throw(env, "adam: offsets must be a Float64Array of 8 values");
  if (!TypedArrayArg(env, argv[3], napi_float64_array, 6, &hyper_data)) return Throw(env, "adam: hyper-parameters must be a Float64Array of 6 values");
  const double* offsets = static_cast<const double*>(offsets_data);
  const double* hyper = static_cast<const double*>(hyper_data);
  int64_t n = 0;
  if (!GetInt(env, argv[2], &n) || n < 0) return Throw(env, "adam: n must be a non-negative integer");
  int64_t off[8];
  for (int i = 0; i < 8; i++) {
    off[i] = static_cast<int64_t>(offsets[i]);
    if (i == 4 && off[i] < 0) continue;
    if (!Inside(off[i], n * 4, length)) return Throw(env, "adam: operand " + std::to_string(i) + " lies outside the wasm heap");
  }
  char* base = static_cast<char*>(data);
  auto at = [base](int64_t offset) { return reinterpret_cast<float*>(base + offset); };
  const float lr = static_cast<float>(hyper[0]), b1 = static_cast<float>(hyper[1]), b2 = static_cast<float>(hyper[2]);
  const float eps = static_cast<float>(hyper[3]), bc1 = static_cast<float>(hyper[4]), bc2 = static_cast<float>(hyper[5]);
  // 1 - beta rounded once from double, as tfjs' ops compute it.
  const float c1 = static_cast<float>(1.0 - hyper[1]), c2 = static_cast<float>(1.0 - hyper[2]);
  const float* mask = off[4] < 0 ? nullptr : at(off[4]);
  const bool in_place = off[5] == off[0] && off[6] == off[1] && off[7] == off[2];
  const int64_t distinct[] = {off[0], off[1], off[2], off[3]};
  for (int i = 0; i < 4; i++) {
    for (int j = i + 1; j < 4; j++) {
      if (distinct[i] == distinct[j]) return Throw(env, "adam: value, moments and gradient must be distinct tensors");
    }
  }
  if (in_place) {
    AdamInPlace(at(off[0]), at(off[1]), at(off[2]), at(off[3]), mask, n, lr, b1, b2, eps, bc1, bc2, c1, c2);
  } else {
    AdamLoop(at(off[0]), at(off[1]), at(off[2]), at(off[3]), mask, at(off[5]), at(off[6]), at(off[7]), n, lr, b1, b2, eps, bc1, bc2, c1, c2);
  }
  return nullptr;
}

}  // namespace retain
