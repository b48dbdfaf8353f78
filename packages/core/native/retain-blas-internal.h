// Shared declarations of the retain-blas addon's translation units (see retain-blas.cc).
#pragma once
#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace retain {

// CBLAS constants (identical across OpenBLAS, MKL, BLIS and Accelerate).
constexpr int kRowMajor = 101;
constexpr int kNoTrans = 111;
constexpr int kTrans = 112;

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();
using GetConfigFn = char* (*)();

// The BLAS found at load time (blas-loader.cc).
struct Blas {
  void* handle = nullptr;
  SgemmFn sgemm = nullptr;
  SetThreadsFn set_threads = nullptr;
  GetThreadsFn get_threads = nullptr;
  GetConfigFn get_config = nullptr;
  std::string library;
  std::string tried;
};
extern Blas blas;
// Opens the first optimised BLAS exporting cblas_sgemm; false (with blas.tried) when none.
bool OpenBlas();

// Argument checks (napi-args.cc).
napi_value Throw(napi_env env, const std::string& message);
bool GetInt(napi_env env, napi_value value, int64_t* out);
// Reads a call's `expected` arguments into argv and argument 0, the wasm heap's ArrayBuffer, into
// data/length; on a mismatch throws "<name>: ..." and returns false.
bool HeapCall(napi_env env, napi_callback_info info, const char* name, size_t expected, napi_value* argv, void** data, size_t* length);
// Whether `value` is a typed array of `type` with `count` elements (its data in *values).
bool TypedArrayArg(napi_env env, napi_value value, napi_typedarray_type type, size_t count, void** values);
// Whether [offset, offset + bytes) lies inside a buffer of `length` bytes (offset 4-aligned).
bool Inside(int64_t offset, int64_t bytes, size_t length);

enum Activation : int64_t { kLinear = 0, kRelu = 1, kRelu6 = 2, kSigmoid = 3, kLeakyRelu = 4 };
// Adds the bias (1 or n values) to each of `rows` rows of n values and applies the activation (gemm.cc).
void Epilogue(float* c, int64_t rows, int64_t n, const float* bias, int64_t bias_size, int64_t activation, float alpha);

// The addon's functions.
napi_value Gemm(napi_env env, napi_callback_info info);  // gemm.cc
napi_value Conv(napi_env env, napi_callback_info info);  // conv.cc
napi_value Adam(napi_env env, napi_callback_info info);  // adam.cc

}  // namespace retain
