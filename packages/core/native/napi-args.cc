// retain-blas: argument checks shared by the addon's functions.
#include "retain-blas-internal.h"

#include <string>

namespace retain {

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

bool HeapCall(napi_env env, napi_callback_info info, const char* name, size_t expected, napi_value* argv, void** data, size_t* length) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != expected) {
    Throw(env, std::string(name) + ": expected " + std::to_string(expected) + " arguments");
    return false;
  }
  bool is_buffer = false;
  if (napi_is_arraybuffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_arraybuffer_info(env, argv[0], data, length) != napi_ok) {
    Throw(env, std::string(name) + ": argument 0 must be the wasm heap's ArrayBuffer");
    return false;
  }
  return true;
}

bool TypedArrayArg(napi_env env, napi_value value, napi_typedarray_type type, size_t count, void** values) {
  bool is_typed = false;
  napi_typedarray_type actual;
  size_t length = 0;
  return napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed &&
         napi_get_typedarray_info(env, value, &actual, &length, values, nullptr, nullptr) == napi_ok && actual == type && length == count;
}

}  // namespace retain
