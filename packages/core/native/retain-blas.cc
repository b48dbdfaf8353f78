// retain-blas: optional native matrix products for @retain/core's wasm backend.
//
// A Node-API addon that runs single-precision GEMM (C = op(A) op(B), batched,
// with an optional bias + activation epilogue) and NHWC convolutions with their
// two gradients (im2col + GEMM) through the machine's BLAS on
// matrices that stay inside the WebAssembly memory of tfjs-backend-wasm: the
// ArrayBuffer behind the wasm heap is passed in with byte offsets, nothing is
// copied. The BLAS library is found at load time with dlopen (OpenBLAS, MKL,
// BLIS or Apple Accelerate; RETAIN_BLAS_LIBRARY names one explicitly), so the
// addon compiles with nothing but a C++ compiler and Node's headers, and a
// machine without a fast BLAS simply does not load it (the wasm kernels stay).
//
// Built by packages/core/scripts/build-native.mjs; loaded by
// src/backend/native-blas/load-native-blas.ts. Every offset and size is checked
// against the buffer before any pointer is formed.
#include <node_api.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// CBLAS constants (identical across OpenBLAS, MKL, BLIS and Accelerate).
constexpr int kRowMajor = 101;
constexpr int kNoTrans = 111;
constexpr int kTrans = 112;

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();
using GetConfigFn = char* (*)();

struct Blas {
  void* handle = nullptr;
  SgemmFn sgemm = nullptr;
  SetThreadsFn set_threads = nullptr;
  GetThreadsFn get_threads = nullptr;
  GetConfigFn get_config = nullptr;
  std::string library;
  std::string tried;
};

Blas blas;

bool TryOpen(const char* name) {
  void* handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    blas.tried += std::string(blas.tried.empty() ? "" : "; ") + name + ": " + (why != nullptr ? why : "not found");
    return false;
  }
  auto sgemm = reinterpret_cast<SgemmFn>(dlsym(handle, "cblas_sgemm"));
  if (sgemm == nullptr) {
    blas.tried += std::string(blas.tried.empty() ? "" : "; ") + name + ": no cblas_sgemm";
    dlclose(handle);
    return false;
  }
  blas.handle = handle;
  blas.sgemm = sgemm;
  blas.library = name;
  blas.set_threads = reinterpret_cast<SetThreadsFn>(dlsym(handle, "openblas_set_num_threads"));
  blas.get_threads = reinterpret_cast<GetThreadsFn>(dlsym(handle, "openblas_get_num_threads"));
  blas.get_config = reinterpret_cast<GetConfigFn>(dlsym(handle, "openblas_get_config"));
  if (blas.set_threads == nullptr) blas.set_threads = reinterpret_cast<SetThreadsFn>(dlsym(handle, "MKL_Set_Num_Threads"));
  if (blas.get_threads == nullptr) blas.get_threads = reinterpret_cast<GetThreadsFn>(dlsym(handle, "MKL_Get_Max_Threads"));
  if (blas.set_threads == nullptr) blas.set_threads = reinterpret_cast<SetThreadsFn>(dlsym(handle, "bli_thread_set_num_threads"));
  return true;
}

// Optimised BLAS builds only: the reference BLAS (Debian's libblas3) is slower
// than the wasm kernels, so a generic libblas.so.3 is never picked.
bool OpenBlas() {
  if (blas.handle != nullptr) return true;
  const char* named = std::getenv("RETAIN_BLAS_LIBRARY");
  if (named != nullptr && named[0] != '\0') return TryOpen(named);
  const char* candidates[] = {
      "libopenblas.so.0", "libopenblas.so", "libmkl_rt.so.2", "libmkl_rt.so", "libblis.so.4", "libblis.so",
      "/System/Library/Frameworks/Accelerate.framework/Accelerate", "libopenblas.dylib", "libopenblas.0.dylib"};
  for (const char* name : candidates) {
    if (TryOpen(name)) return true;
  }
  return false;
}

napi_value Throw(napi_env env, const std::string& message) {
  napi_throw_error(env, "RETAIN_NATIVE_BLAS", message.c_str());
  return nullptr;
}

bool GetInt(napi_env env, napi_value value, int64_t* out) {
  return napi_get_value_int64(env, value, out) == napi_ok;
}

// Whether [offset, offset + bytes) lies inside a buffer of `length` bytes.
bool Inside(int64_t offset, int64_t bytes, size_t length) {
  return offset >= 0 && bytes >= 0 && offset % 4 == 0 && static_cast<uint64_t>(offset) + static_cast<uint64_t>(bytes) <= length;
}

enum Activation : int64_t { kLinear = 0, kRelu = 1, kRelu6 = 2, kSigmoid = 3, kLeakyRelu = 4 };

__attribute__((noinline)) void Epilogue(float* __restrict c, int64_t rows, int64_t n, const float* __restrict bias, int64_t bias_size, int64_t activation, float alpha) {
  for (int64_t r = 0; r < rows; r++) {
    float* row = c + r * n;
    if (bias != nullptr) {
      if (bias_size == 1) {
        const float b = bias[0];
        for (int64_t j = 0; j < n; j++) row[j] += b;
      } else {
        for (int64_t j = 0; j < n; j++) row[j] += bias[j];
      }
    }
    switch (activation) {
      case kRelu:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] > 0.0f ? row[j] : 0.0f;
        break;
      case kRelu6:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? 0.0f : (row[j] > 6.0f ? 6.0f : row[j]);
        break;
      case kSigmoid:
        for (int64_t j = 0; j < n; j++) row[j] = 1.0f / (1.0f + std::exp(-row[j]));
        break;
      case kLeakyRelu:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? alpha * row[j] : row[j];
        break;
      default:
        break;
    }
  }
}

// gemm(buffer, offA, offB, offC, batch, M, N, K, transA, transB, strideA, strideB,
//      offBias, biasSize, activation, alpha)
// Offsets in bytes; strides in elements between batch items (0 broadcasts one
// matrix over the batch); offBias < 0 means no bias; biasSize is 1 or N.
napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 16) {
    return Throw(env, "gemm: expected 16 arguments");
  }
  void* data = nullptr;
  size_t length = 0;
  bool is_buffer = false;
  if (napi_is_arraybuffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_arraybuffer_info(env, argv[0], &data, &length) != napi_ok) {
    return Throw(env, "gemm: argument 0 must be the wasm heap's ArrayBuffer");
  }
  int64_t v[14];
  for (int i = 0; i < 14; i++) {
    if (!GetInt(env, argv[i + 1], &v[i])) return Throw(env, "gemm: argument " + std::to_string(i + 1) + " must be an integer");
  }
  double alpha_value = 0;
  if (napi_get_value_double(env, argv[15], &alpha_value) != napi_ok) return Throw(env, "gemm: argument 15 must be a number");
  const int64_t off_a = v[0], off_b = v[1], off_c = v[2], batch = v[3], m = v[4], n = v[5], k = v[6];
  const bool trans_a = v[7] != 0, trans_b = v[8] != 0;
  const int64_t stride_a = v[9], stride_b = v[10], off_bias = v[11], bias_size = v[12], activation = v[13];
  if (batch < 1 || m < 1 || n < 1 || k < 1 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    return Throw(env, "gemm: batch, M, N, K must be positive 32-bit sizes");
  }
  if (activation < kLinear || activation > kLeakyRelu) return Throw(env, "gemm: unknown activation " + std::to_string(activation));
  const int64_t last_a = stride_a * (batch - 1) + m * k, last_b = stride_b * (batch - 1) + k * n;
  if (stride_a < 0 || stride_b < 0 || !Inside(off_a, last_a * 4, length) || !Inside(off_b, last_b * 4, length) ||
      !Inside(off_c, batch * m * n * 4, length)) {
    return Throw(env, "gemm: an operand lies outside the wasm heap");
  }
  const float* bias = nullptr;
  if (off_bias >= 0) {
    if ((bias_size != 1 && bias_size != n) || !Inside(off_bias, bias_size * 4, length)) {
      return Throw(env, "gemm: the bias must have 1 or N elements inside the wasm heap");
    }
    bias = reinterpret_cast<const float*>(static_cast<char*>(data) + off_bias);
  }
  char* base = static_cast<char*>(data);
  const int lda = static_cast<int>(trans_a ? m : k), ldb = static_cast<int>(trans_b ? k : n);
  for (int64_t i = 0; i < batch; i++) {
    const float* a = reinterpret_cast<const float*>(base + off_a) + i * stride_a;
    const float* b = reinterpret_cast<const float*>(base + off_b) + i * stride_b;
    float* c = reinterpret_cast<float*>(base + off_c) + i * m * n;
    blas.sgemm(kRowMajor, trans_a ? kTrans : kNoTrans, trans_b ? kTrans : kNoTrans, static_cast<int>(m), static_cast<int>(n),
               static_cast<int>(k), 1.0f, a, lda, b, ldb, 0.0f, c, static_cast<int>(n));
    if (bias != nullptr || activation != kLinear) Epilogue(c, m, n, bias, bias_size, activation, static_cast<float>(alpha_value));
  }
  return nullptr;
}

// Convolutions (NHWC, float32) as im2col + GEMM. dims (Int32Array, 15 values):
// B, H, W, Cin, KH, KW, Cout, strideH, strideW, dilationH, dilationW, padTop, padLeft, OH, OW.
// Filters are [KH, KW, Cin, Cout], i.e. a K x Cout matrix with K = KH*KW*Cin in
// (ky, kx, ci) order, which is the column order of the patches built here.
struct ConvDims {
  int64_t b, h, w, cin, kh, kw, cout, sh, sw, dh, dw, pt, pl, oh, ow;
  int64_t K() const { return kh * kw * cin; }
  int64_t Rows(int64_t images) const { return images * oh * ow; }
  bool Pointwise() const { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 && oh == h && ow == w; }
};

// Patches of `images` images starting at x: one row of K values per output pixel.
__attribute__((noinline)) void Im2Col(const float* __restrict x, float* __restrict cols, int64_t images, const ConvDims& d) {
  const int64_t k = d.K();
  for (int64_t i = 0; i < images; i++) {
    const float* image = x + i * d.h * d.w * d.cin;
    for (int64_t oy = 0; oy < d.oh; oy++) {
      for (int64_t ox = 0; ox < d.ow; ox++) {
        float* row = cols + ((i * d.oh + oy) * d.ow + ox) * k;
        for (int64_t ky = 0; ky < d.kh; ky++) {
          const int64_t iy = oy * d.sh - d.pt + ky * d.dh;
          for (int64_t kx = 0; kx < d.kw; kx++) {
            const int64_t ix = ox * d.sw - d.pl + kx * d.dw;
            float* dst = row + (ky * d.kw + kx) * d.cin;
            if (iy < 0 || iy >= d.h || ix < 0 || ix >= d.w) {
              std::memset(dst, 0, d.cin * sizeof(float));
            } else {
              std::memcpy(dst, image + (iy * d.w + ix) * d.cin, d.cin * sizeof(float));
            }
          }
        }
      }
    }
  }
}

// Adds each patch row of dcols back into dx (which the caller zeroed).
__attribute__((noinline)) void Col2Im(const float* __restrict cols, float* __restrict dx, int64_t images, const ConvDims& d) {
  const int64_t k = d.K();
  for (int64_t i = 0; i < images; i++) {
    float* image = dx + i * d.h * d.w * d.cin;
    for (int64_t oy = 0; oy < d.oh; oy++) {
      for (int64_t ox = 0; ox < d.ow; ox++) {
        const float* row = cols + ((i * d.oh + oy) * d.ow + ox) * k;
        for (int64_t ky = 0; ky < d.kh; ky++) {
          const int64_t iy = oy * d.sh - d.pt + ky * d.dh;
          if (iy < 0 || iy >= d.h) continue;
          for (int64_t kx = 0; kx < d.kw; kx++) {
            const int64_t ix = ox * d.sw - d.pl + kx * d.dw;
            if (ix < 0 || ix >= d.w) continue;
            const float* src = row + (ky * d.kw + kx) * d.cin;
            float* dst = image + (iy * d.w + ix) * d.cin;
            for (int64_t c = 0; c < d.cin; c++) dst[c] += src[c];
          }
        }
      }
    }
  }
}

// Scratch for patches, reused across calls (the addon runs on one JS thread).
std::vector<float> scratch;
// Patch matrices are built for this many values at most at once (64 MiB), images at a time.
constexpr int64_t kMaxPatchValues = int64_t{1} << 24;

enum ConvKind : int64_t { kForward = 0, kBackpropFilter = 1, kBackpropInput = 2 };

// conv(buffer, kind, offFirst, offSecond, offOut, dims, offBias, biasSize, activation, alpha)
//   forward:         first = x,  second = filter, out = y   (bias / activation epilogue)
//   backprop filter: first = x,  second = dy,     out = dW
//   backprop input:  first = dy, second = filter, out = dx
napi_value Conv(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 10) return Throw(env, "conv: expected 10 arguments");
  void* data = nullptr;
  size_t length = 0;
  bool is_buffer = false;
  if (napi_is_arraybuffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_arraybuffer_info(env, argv[0], &data, &length) != napi_ok) {
    return Throw(env, "conv: argument 0 must be the wasm heap's ArrayBuffer");
  }
  int64_t kind, off_first, off_second, off_out, off_bias, bias_size, activation;
  if (!GetInt(env, argv[1], &kind) || !GetInt(env, argv[2], &off_first) || !GetInt(env, argv[3], &off_second) ||
      !GetInt(env, argv[4], &off_out) || !GetInt(env, argv[6], &off_bias) || !GetInt(env, argv[7], &bias_size) ||
      !GetInt(env, argv[8], &activation)) {
    return Throw(env, "conv: offsets, kind and activation must be integers");
  }
  double alpha = 0;
  if (napi_get_value_double(env, argv[9], &alpha) != napi_ok) return Throw(env, "conv: alpha must be a number");
  bool is_typed = false;
  napi_typedarray_type type;
  size_t count = 0;
  void* dims_data = nullptr;
  if (napi_is_typedarray(env, argv[5], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[5], &type, &count, &dims_data, nullptr, nullptr) != napi_ok || type != napi_int32_array ||
      count != 15) {
    return Throw(env, "conv: dims must be an Int32Array of 15 values");
  }
  const int32_t* v = static_cast<const int32_t*>(dims_data);
  const ConvDims d{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
  for (int i = 0; i < 15; i++) {
    if (v[i] < (i >= 11 && i <= 12 ? 0 : 1)) return Throw(env, "conv: dims[" + std::to_string(i) + "] out of range");
  }
  if (kind < kForward || kind > kBackpropInput || activation < kLinear || activation > kLeakyRelu) return Throw(env, "conv: unknown kind or activation");
  const int64_t x_size = d.b * d.h * d.w * d.cin, y_size = d.b * d.oh * d.ow * d.cout, f_size = d.K() * d.cout;
  const int64_t first = kind == kBackpropInput ? y_size : x_size;
  const int64_t second = kind == kBackpropFilter ? y_size : f_size;
  const int64_t out = kind == kForward ? y_size : kind == kBackpropFilter ? f_size : x_size;
  if (!Inside(off_first, first * 4, length) || !Inside(off_second, second * 4, length) || !Inside(off_out, out * 4, length)) {
    return Throw(env, "conv: an operand lies outside the wasm heap");
  }
  char* base = static_cast<char*>(data);
  const float* bias = nullptr;
  if (off_bias >= 0) {
    if (kind != kForward || (bias_size != 1 && bias_size != d.cout) || !Inside(off_bias, bias_size * 4, length)) {
      return Throw(env, "conv: the bias must have 1 or Cout elements inside the wasm heap (forward only)");
    }
    bias = reinterpret_cast<const float*>(base + off_bias);
  }
  const float* a = reinterpret_cast<const float*>(base + off_first);
  const float* b = reinterpret_cast<const float*>(base + off_second);
  float* c = reinterpret_cast<float*>(base + off_out);
  const int64_t k = d.K(), per_image = d.oh * d.ow;
  const bool pointwise = d.Pointwise();
  int64_t chunk = pointwise ? d.b : std::max<int64_t>(1, std::min<int64_t>(d.b, kMaxPatchValues / std::max<int64_t>(1, per_image * k)));
  if (!pointwise && scratch.size() < static_cast<size_t>(chunk * per_image * k)) scratch.resize(chunk * per_image * k);
  if (kind == kBackpropInput) std::memset(c, 0, x_size * sizeof(float));
  for (int64_t start = 0; start < d.b; start += chunk) {
    const int64_t images = std::min(chunk, d.b - start);
    const int64_t rows = d.Rows(images);
    if (kind == kForward) {
      const float* cols = a + start * d.h * d.w * d.cin;
      if (!pointwise) {
        Im2Col(cols, scratch.data(), images, d);
        cols = scratch.data();
      }
      float* y = c + start * per_image * d.cout;
      blas.sgemm(kRowMajor, kNoTrans, kNoTrans, static_cast<int>(rows), static_cast<int>(d.cout), static_cast<int>(k), 1.0f, cols,
                 static_cast<int>(k), b, static_cast<int>(d.cout), 0.0f, y, static_cast<int>(d.cout));
      if (bias != nullptr || activation != kLinear) Epilogue(y, rows, d.cout, bias, bias_size, activation, static_cast<float>(alpha));
    } else if (kind == kBackpropFilter) {
      const float* cols = a + start * d.h * d.w * d.cin;
      if (!pointwise) {
        Im2Col(cols, scratch.data(), images, d);
        cols = scratch.data();
      }
      const float* dy = b + start * per_image * d.cout;
      blas.sgemm(kRowMajor, kTrans, kNoTrans, static_cast<int>(k), static_cast<int>(d.cout), static_cast<int>(rows), 1.0f, cols,
                 static_cast<int>(k), dy, static_cast<int>(d.cout), start == 0 ? 0.0f : 1.0f, c, static_cast<int>(d.cout));
    } else {
      const float* dy = a + start * per_image * d.cout;
      float* dx = c + start * d.h * d.w * d.cin;
      float* cols = pointwise ? dx : scratch.data();
      blas.sgemm(kRowMajor, kNoTrans, kTrans, static_cast<int>(rows), static_cast<int>(k), static_cast<int>(d.cout), 1.0f, dy,
                 static_cast<int>(d.cout), b, static_cast<int>(d.cout), 0.0f, cols, static_cast<int>(k));
      if (!pointwise) Col2Im(cols, dx, images, d);
    }
  }
  return nullptr;
}

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

// adam(buffer, offsets Float64Array[8], n, hyper Float64Array[6]):
// offsets (bytes): var, m, v, grad, mask (-1: none), newVar, newM, newV;
// hyper: lr, beta1, beta2, epsilon, 1 - beta1^t, 1 - beta2^t.
// One pass of Adam (Kingma & Ba 2015) in tfjs' formulation:
//   g' = g * mask; m' = b1 m + (1 - b1) g'; v' = b2 v + (1 - b2) g'^2;
//   w' = w - lr (m' / bc1) / (sqrt(v' / bc2) + eps)
// New value and moments equal to the old ones' offsets: updated in place.
napi_value Adam(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 4) return Throw(env, "adam: expected 4 arguments");
  void* data = nullptr;
  size_t length = 0;
  bool is_buffer = false;
  if (napi_is_arraybuffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_arraybuffer_info(env, argv[0], &data, &length) != napi_ok) {
    return Throw(env, "adam: argument 0 must be the wasm heap's ArrayBuffer");
  }
  const double* offsets = nullptr;
  const double* hyper = nullptr;
  for (int which = 0; which < 2; which++) {
    bool is_typed = false;
    napi_typedarray_type type;
    size_t count = 0;
    void* values = nullptr;
    napi_value arg = argv[which == 0 ? 1 : 3];
    if (napi_is_typedarray(env, arg, &is_typed) != napi_ok || !is_typed ||
        napi_get_typedarray_info(env, arg, &type, &count, &values, nullptr, nullptr) != napi_ok || type != napi_float64_array ||
        count != (which == 0 ? 8u : 6u)) {
      return Throw(env, which == 0 ? "adam: offsets must be a Float64Array of 8 values" : "adam: hyper-parameters must be a Float64Array of 6 values");
    }
    (which == 0 ? offsets : hyper) = static_cast<const double*>(values);
  }
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

napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t threads = 0;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 1 ||
      napi_get_value_int32(env, argv[0], &threads) != napi_ok || threads < 1) {
    return Throw(env, "setThreads: expected a positive integer");
  }
  if (blas.set_threads != nullptr) blas.set_threads(threads);
  return nullptr;
}

napi_value MakeString(napi_env env, const std::string& text) {
  napi_value value;
  napi_create_string_utf8(env, text.c_str(), text.size(), &value);
  return value;
}

// info() -> { library, config, threads } (threads -1 when the BLAS cannot say).
napi_value Info(napi_env env, napi_callback_info /*info*/) {
  napi_value result, threads;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "library", MakeString(env, blas.library));
  const char* config = blas.get_config != nullptr ? blas.get_config() : nullptr;
  napi_set_named_property(env, result, "config", MakeString(env, config != nullptr ? config : ""));
  napi_create_int32(env, blas.get_threads != nullptr ? blas.get_threads() : -1, &threads);
  napi_set_named_property(env, result, "threads", threads);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  if (!OpenBlas()) {
    Throw(env, "no optimised BLAS with cblas_sgemm found (" + blas.tried + "); install OpenBLAS (Debian: libopenblas0) or set RETAIN_BLAS_LIBRARY");
    return nullptr;
  }
  const struct {
    const char* name;
    napi_callback fn;
  } functions[] = {{"gemm", Gemm}, {"conv", Conv}, {"adam", Adam}, {"setThreads", SetThreads}, {"info", Info}};
  for (const auto& f : functions) {
    napi_value fn;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &fn);
    napi_set_named_property(env, exports, f.name, fn);
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
