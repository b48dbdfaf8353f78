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

}  // namespace retain
