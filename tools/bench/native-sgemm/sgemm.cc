// Prototype: cblas_sgemm on matrices that live in a WebAssembly memory (zero copy).
#include <node_api.h>
#include <cstdint>
extern "C" void cblas_sgemm(int order, int transA, int transB, int M, int N, int K, float alpha, const float* A, int lda,
                            const float* B, int ldb, float beta, float* C, int ldc);
extern "C" void openblas_set_num_threads(int);
static napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 10; napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  void* data; size_t len;
  napi_get_arraybuffer_info(env, argv[0], &data, &len);
  int64_t v[9];
  for (int i = 0; i < 9; i++) napi_get_value_int64(env, argv[i + 1], &v[i]);
  // args: buffer, offA, offB, offC (bytes), M, N, K, transA, transB, batch
  char* base = static_cast<char*>(data);
  int M = v[3], N = v[4], K = v[5]; bool ta = v[6], tb = v[7]; int batch = v[8];
  for (int b = 0; b < batch; b++) {
    const float* A = reinterpret_cast<const float*>(base + v[0]) + (size_t)b * M * K;
    const float* B = reinterpret_cast<const float*>(base + v[1]) + (size_t)b * K * N;
    float* C = reinterpret_cast<float*>(base + v[2]) + (size_t)b * M * N;
    cblas_sgemm(101, ta ? 112 : 111, tb ? 112 : 111, M, N, K, 1.0f, A, ta ? M : K, B, tb ? K : N, 0.0f, C, N);
  }
  return nullptr;
}
static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value argv[1]; napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t n; napi_get_value_int32(env, argv[0], &n); openblas_set_num_threads(n); return nullptr;
}
static napi_value Init(napi_env env, napi_value exports) {
  napi_value f, g;
  napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, Sgemm, nullptr, &f);
  napi_set_named_property(env, exports, "sgemm", f);
  napi_create_function(env, "setThreads", NAPI_AUTO_LENGTH, SetThreads, nullptr, &g);
  napi_set_named_property(env, exports, "setThreads", g);
  return exports;
}
NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
