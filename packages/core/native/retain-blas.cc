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
//
// Files: blas-loader.cc (dlopen), napi-args.cc (checks), gemm.cc, conv.cc, adam.cc;
// this file is the module (setThreads, info, init).
#include "retain-blas-internal.h"

#include <string>

namespace retain {
namespace {

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
}  // namespace retain

NAPI_MODULE(NODE_GYP_MODULE_NAME, retain::Init)
