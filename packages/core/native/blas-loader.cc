// retain-blas: finds a BLAS with cblas_sgemm at load time (dlopen; see retain-blas.cc).
#include "retain-blas-internal.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

namespace retain {

Blas blas;

namespace {

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

}  // namespace

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

}  // namespace retain
