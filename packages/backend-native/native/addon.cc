// The dlts native addon: entry point, version and threading information.
#include <dnnl.h>
#include <omp.h>

#include <string>

#include "common.h"

namespace dlts {

napi_value undefinedValue(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

napi_value numberValue(napi_env env, double x) {
  napi_value v;
  napi_create_double(env, x, &v);
  return v;
}

static void setString(napi_env env, napi_value obj, const char* key, const std::string& value) {
  napi_value v;
  napi_create_string_utf8(env, value.c_str(), value.size(), &v);
  napi_set_named_property(env, obj, key, v);
}

static void setNumber(napi_env env, napi_value obj, const char* key, double value) {
  napi_set_named_property(env, obj, key, numberValue(env, value));
}

static const char* isaName(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

}  // namespace dlts

// info(): {onednn: "2.6.3", threads: 2, isa: "avx512_core_amx"}
DLTS_EXPORT(info) {
  napi_env env = args.env();
  napi_value obj;
  napi_create_object(env, &obj);
  const dnnl_version_t* v = dnnl_version();
  dlts::setString(env, obj, "onednn", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  dlts::setNumber(env, obj, "threads", omp_get_max_threads());
  dlts::setString(env, obj, "isa", dlts::isaName(dnnl_get_effective_cpu_isa()));
  return obj;
}

// setThreads(n): the number of threads of every parallel kernel (OpenMP, shared with oneDNN).
DLTS_EXPORT(setThreads) {
  int64_t n = args.i64(0);
  if (n < 1) throw dlts::Error("setThreads: n must be >= 1");
  omp_set_num_threads(static_cast<int>(n));
  return dlts::undefinedValue(args.env());
}

static napi_value Init(napi_env env, napi_value exports) {
  for (const auto& [name, cb] : dlts::Registry::all()) {
    napi_value fn;
    napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
    napi_set_named_property(env, exports, name, fn);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
