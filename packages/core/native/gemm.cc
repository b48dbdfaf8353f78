// retain-blas: batched GEMM with a bias + activation epilogue, on the wasm heap.
#include "retain-blas-internal.h"

#include <cmath>
#include <string>

namespace retain {

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
  napi_value argv[16];
  void* data = nullptr;
  size_t length = 0;
  if (!HeapCall(env, info, "gemm", 16, argv, &data, &length)) return nullptr;
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

}  // namespace retain
