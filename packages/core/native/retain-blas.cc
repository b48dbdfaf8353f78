// retain-blas: optional native matrix products for @retain/core's wasm backend.
//
// A Node-API addon that runs single-precision GEMM (C = op(A) op(B), batched,
// with an optional bias + activation epilogue) through the machine's BLAS on
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

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

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

void Epilogue(float* c, int64_t rows, int64_t n, const float* bias, int64_t bias_size, int64_t activation, float alpha) {
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
  } functions[] = {{"gemm", Gemm}, {"setThreads", SetThreads}, {"info", Info}};
  for (const auto& f : functions) {
    napi_value fn;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &fn);
    napi_set_named_property(env, exports, f.name, fn);
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
