// retain-blas: NHWC convolutions and their two gradients as im2col + GEMM, on the wasm heap.
#include "retain-blas-internal.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace retain {

namespace {

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

}  // namespace

// conv(buffer, kind, offFirst, offSecond, offOut, dims, offBias, biasSize, activation, alpha)
//   forward:         first = x,  second = filter, out = y   (bias / activation epilogue)
//   backprop filter: first = x,  second = dy,     out = dW
//   backprop input:  first = dy, second = filter, out = dx
napi_value Conv(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  void* data = nullptr;
  size_t length = 0;
  if (!HeapCall(env, info, "conv", 10, argv, &data, &length)) return nullptr;
  int64_t kind, off_first, off_second, off_out, off_bias, bias_size, activation;
  if (!GetInt(env, argv[1], &kind) || !GetInt(env, argv[2], &off_first) || !GetInt(env, argv[3], &off_second) ||
      !GetInt(env, argv[4], &off_out) || !GetInt(env, argv[6], &off_bias) || !GetInt(env, argv[7], &bias_size) ||
      !GetInt(env, argv[8], &activation)) {
    return Throw(env, "conv: offsets, kind and activation must be integers");
  }
  double alpha = 0;
  if (napi_get_value_double(env, argv[9], &alpha) != napi_ok) return Throw(env, "conv: alpha must be a number");
  void* dims_data = nullptr;
  if (!TypedArrayArg(env, argv[5], napi_int32_array, 15, &dims_data)) return Throw(env, "conv: dims must be an Int32Array of 15 values");
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

}  // namespace retain
