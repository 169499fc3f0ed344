// Shared helpers of the dlts native addon: argument access for Node-API functions and a tiny
// registry so that each source file adds its own exported functions.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dlts {

// An error raised inside a kernel; becomes a JS Error with code DLTS_NATIVE.
struct Error : std::runtime_error {
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// The arguments of one call. Typed arrays are read zero-copy: the pointer is the JS memory.
class Args {
 public:
  Args(napi_env env, napi_callback_info info) : env_(env) {
    argc_ = kMax;
    if (napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr) != napi_ok) throw Error("bad call");
  }
  size_t size() const { return argc_; }
  napi_env env() const { return env_; }

  bool isNullish(size_t i) const {
    if (i >= argc_) return true;
    napi_valuetype t;
    napi_typeof(env_, argv_[i], &t);
    return t == napi_null || t == napi_undefined;
  }

  template <typename T>
  T* array(size_t i, size_t* length = nullptr) const {
    if (i >= argc_) throw Error("missing argument " + std::to_string(i));
    bool is = false;
    napi_is_typedarray(env_, argv_[i], &is);
    if (!is) throw Error("argument " + std::to_string(i) + " must be a typed array");
    napi_typedarray_type type;
    size_t len = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env_, argv_[i], &type, &len, &data, nullptr, nullptr);
    if (sizeof(T) != elementSize(type)) throw Error("argument " + std::to_string(i) + " has the wrong element type");
    if (length) *length = len;
    return static_cast<T*>(data);
  }
  float* f32(size_t i, size_t* length = nullptr) const { return array<float>(i, length); }
  // A float array, or nullptr when the argument is null/undefined.
  float* f32opt(size_t i, size_t* length = nullptr) const {
    if (isNullish(i)) {
      if (length) *length = 0;
      return nullptr;
    }
    return f32(i, length);
  }

  int64_t i64(size_t i) const {
    if (i >= argc_) throw Error("missing argument " + std::to_string(i));
    double v = 0;
    if (napi_get_value_double(env_, argv_[i], &v) != napi_ok) throw Error("argument " + std::to_string(i) + " must be a number");
    return static_cast<int64_t>(v);
  }
  double f64(size_t i) const {
    if (i >= argc_) throw Error("missing argument " + std::to_string(i));
    double v = 0;
    if (napi_get_value_double(env_, argv_[i], &v) != napi_ok) throw Error("argument " + std::to_string(i) + " must be a number");
    return v;
  }
  // An Int32Array (or plain array of numbers) as a vector of int64.
  std::vector<int64_t> dims(size_t i) const {
    size_t len = 0;
    int32_t* p = array<int32_t>(i, &len);
    return std::vector<int64_t>(p, p + len);
  }

 private:
  static size_t elementSize(napi_typedarray_type t) {
    switch (t) {
      case napi_int8_array:
      case napi_uint8_array:
      case napi_uint8_clamped_array:
        return 1;
      case napi_int16_array:
      case napi_uint16_array:
        return 2;
      case napi_int32_array:
      case napi_uint32_array:
      case napi_float32_array:
        return 4;
      default:
        return 8;
    }
  }
  static constexpr size_t kMax = 32;
  napi_env env_;
  size_t argc_;
  napi_value argv_[kMax];
};

using Impl = napi_value (*)(Args&);

// Every source file registers its functions with DLTS_EXPORT(name) { ... }.
struct Registry {
  static std::vector<std::pair<const char*, napi_callback>>& all() {
    static std::vector<std::pair<const char*, napi_callback>> list;
    return list;
  }
  Registry(const char* name, napi_callback cb) { all().emplace_back(name, cb); }
};

napi_value undefinedValue(napi_env env);
napi_value numberValue(napi_env env, double v);

// Parallelise a loop only when it has enough work to pay for waking the threads. Measured in a
// training step (not in a loop of one kernel): between kernels the other thread is often busy
// with or preempted by V8's own background threads (GC, compilers), and a parallel region then
// waits for it; an elementwise pass over fewer than ~256k values is faster on one thread.
constexpr int64_t kParallelGrain = 1 << 18;

// The same for matrix products, in multiply-adds: below this (a 10-class output layer and its
// gradients, 128 x 512 x 10 = 655k) one thread is faster in a training step.
constexpr int64_t kParallelMatMulGrain = 1 << 22;

// Runs the calling thread's next OpenMP regions (and oneDNN primitives) on one thread while in
// scope, when `serial` is true.
class SerialScope {
 public:
  explicit SerialScope(bool serial);
  ~SerialScope();
  SerialScope(const SerialScope&) = delete;
  SerialScope& operator=(const SerialScope&) = delete;

 private:
  int previous_ = 0;
};

}  // namespace dlts

#define DLTS_EXPORT(name)                                                            \
  static napi_value name##_impl(dlts::Args& args);                                   \
  static napi_value name##_cb(napi_env env, napi_callback_info info) {               \
    try {                                                                            \
      dlts::Args args(env, info);                                                    \
      return name##_impl(args);                                                      \
    } catch (const std::exception& e) {                                              \
      napi_throw_error(env, "DLTS_NATIVE", e.what());                                \
      return nullptr;                                                                \
    }                                                                                \
  }                                                                                  \
  static dlts::Registry name##_registry(#name, name##_cb);                           \
  static napi_value name##_impl(dlts::Args& args)
