// 2-D convolution (forward with fused bias + activation, backward data, backward weights) on
// oneDNN primitives. Tensors stay in tfjs's layouts: activations NHWC, filters HWIO. The filter
// is reordered into the blocked layout oneDNN prefers on every call (it is small); primitives
// are created once per geometry and cached.
#include <dnnl.hpp>

#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>

#include "activation.h"
#include "common.h"
#include "onednn.h"

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

using dlts::AlignedBuffer;
using dlts::cpuEngine;
using dlts::cpuStream;
using dlts::scratchMemory;

struct Geometry {
  int64_t N, H, W, Ci, Co, KH, KW, SH, SW, DH, DW, PT, PL, PB, PR, OH, OW;
  static Geometry from(const dlts::Args& args, size_t i) {
    std::vector<int64_t> g = args.dims(i);
    if (g.size() != 17) throw dlts::Error("conv geometry must have 17 values");
    return {g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15], g[16]};
  }
  // Primitives split their work for the thread count at creation: it is part of the key.
  std::string key() const {
    std::string k = dlts::threadsKey();
    for (int64_t v : {N, H, W, Ci, Co, KH, KW, SH, SW, DH, DW, PT, PL, PB, PR, OH, OW}) k += std::to_string(v) + ",";
    return k;
  }
  memory::desc src(tag t = tag::nhwc) const { return memory::desc({N, Ci, H, W}, dt::f32, t); }
  memory::desc dst(tag t = tag::nhwc) const { return memory::desc({N, Co, OH, OW}, dt::f32, t); }
  memory::desc weights(tag t) const { return memory::desc({Co, Ci, KH, KW}, dt::f32, t); }
  memory::desc bias() const { return memory::desc({Co}, dt::f32, tag::a); }
  memory::dims strides() const { return {SH, SW}; }
  memory::dims dilates() const { return {DH - 1, DW - 1}; }  // oneDNN counts dilation from 0
  memory::dims padL() const { return {PT, PL}; }
  memory::dims padR() const { return {PB, PR}; }
};

dnnl::primitive_attr plainAttr() { return dlts::makeAttr(); }

// The forward descriptor, also the hint the backward primitives need.
dnnl::convolution_forward::primitive_desc forwardPd(const Geometry& g, prop_kind kind, bool withBias, const dnnl::primitive_attr& attr) {
  memory::desc biasMd = withBias ? g.bias() : memory::desc();
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::convolution_forward::primitive_desc(cpuEngine(), kind, algorithm::convolution_direct, g.src(), g.weights(tag::any), biasMd, g.dst(),
                                                   g.strides(), g.dilates(), g.padL(), g.padR(), attr);
#else
  dnnl::convolution_forward::desc d(kind, algorithm::convolution_direct, g.src(), g.weights(tag::any), biasMd, g.dst(), g.strides(), g.dilates(),
                                    g.padL(), g.padR());
  return dnnl::convolution_forward::primitive_desc(d, attr, cpuEngine());
#endif
}

// The filter in the layout a primitive chose (oneDNN's blocked layouts are faster than HWIO):
// `layout` is that layout; when it differs from tfjs's HWIO, `reorder` converts between them
// through `buffer`, kept with the cached primitive.
struct BlockedWeights {
  memory::desc layout;
  bool reordered = false;
  dnnl::reorder reorder;
  AlignedBuffer buffer;

  // For a primitive that reads the filter (HWIO -> layout) or, `toUser`, writes it (layout -> HWIO).
  void init(const memory::desc& chosen, const memory::desc& user, bool toUser) {
    layout = chosen;
    reordered = chosen != user;
    if (!reordered) return;
    reorder = toUser ? dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), chosen, cpuEngine(), user))
                     : dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), user, cpuEngine(), chosen));
  }

  // The memory the primitive uses: `user` itself, or the buffer in the chosen layout.
  memory in(const memory& user) {
    return reordered ? memory(layout, cpuEngine(), buffer.get(layout.get_size())) : user;
  }

  // `user` in the chosen layout, for a primitive that reads it.
  memory read(memory user, const dnnl::stream& s) {
    memory m = in(user);
    if (reordered) reorder.execute(s, user, m);
    return m;
  }

  // After a primitive wrote `m` (from `in`): back into `user`.
  void written(memory m, memory user, const dnnl::stream& s) {
    if (reordered) reorder.execute(s, m, user);
  }
};

struct ForwardEntry {
  dnnl::convolution_forward prim;
  memory::desc scratchMd;
  BlockedWeights weights;
};

struct BackwardDataEntry {
  dnnl::convolution_backward_data prim;
  memory::desc scratchMd;
  BlockedWeights weights;
};

struct BackwardWeightsEntry {
  dnnl::convolution_backward_weights prim;
  memory::desc scratchMd;
  BlockedWeights diffWeights;
};

template <typename Entry>
std::unordered_map<std::string, std::unique_ptr<Entry>>& cache() {
  static std::unordered_map<std::string, std::unique_ptr<Entry>> map;
  if (map.size() > 512) map.clear();  // bound the memory kept by shapes seen once
  return map;
}

ForwardEntry& forwardEntry(const Geometry& g, bool withBias, int act, float alpha) {
  std::string key = g.key() + (withBias ? "b" : "") + std::to_string(act) + ":" + std::to_string(alpha);
  auto& map = cache<ForwardEntry>();
  auto it = map.find(key);
  if (it != map.end()) return *it->second;
  auto entry = std::make_unique<ForwardEntry>();
  auto pd = forwardPd(g, prop_kind::forward_inference, withBias, dlts::makeAttr(act, alpha));
  entry->prim = dnnl::convolution_forward(pd);
  entry->scratchMd = pd.scratchpad_desc();
  entry->weights.init(pd.weights_desc(), g.weights(tag::hwio), false);
  return *map.emplace(key, std::move(entry)).first->second;
}

BackwardDataEntry& backwardDataEntry(const Geometry& g) {
  std::string key = g.key();
  auto& map = cache<BackwardDataEntry>();
  auto it = map.find(key);
  if (it != map.end()) return *it->second;
  auto entry = std::make_unique<BackwardDataEntry>();
  auto hint = forwardPd(g, prop_kind::forward_training, false, plainAttr());
#if DNNL_VERSION_MAJOR >= 3
  dnnl::convolution_backward_data::primitive_desc pd(cpuEngine(), algorithm::convolution_direct, g.src(), g.weights(tag::any), g.dst(), g.strides(),
                                                     g.dilates(), g.padL(), g.padR(), hint, plainAttr());
#else
  dnnl::convolution_backward_data::desc d(algorithm::convolution_direct, g.src(), g.weights(tag::any), g.dst(), g.strides(), g.dilates(), g.padL(),
                                          g.padR());
  dnnl::convolution_backward_data::primitive_desc pd(d, plainAttr(), cpuEngine(), hint);
#endif
  entry->prim = dnnl::convolution_backward_data(pd);
  entry->scratchMd = pd.scratchpad_desc();
  entry->weights.init(pd.weights_desc(), g.weights(tag::hwio), false);
  return *map.emplace(key, std::move(entry)).first->second;
}

BackwardWeightsEntry& backwardWeightsEntry(const Geometry& g) {
  std::string key = g.key();
  auto& map = cache<BackwardWeightsEntry>();
  auto it = map.find(key);
  if (it != map.end()) return *it->second;
  auto entry = std::make_unique<BackwardWeightsEntry>();
  auto hint = forwardPd(g, prop_kind::forward_training, false, plainAttr());
#if DNNL_VERSION_MAJOR >= 3
  dnnl::convolution_backward_weights::primitive_desc pd(cpuEngine(), algorithm::convolution_direct, g.src(), g.weights(tag::any), g.dst(),
                                                        g.strides(), g.dilates(), g.padL(), g.padR(), hint, plainAttr());
#else
  dnnl::convolution_backward_weights::desc d(algorithm::convolution_direct, g.src(), g.weights(tag::any), g.dst(), g.strides(), g.dilates(),
                                             g.padL(), g.padR());
  dnnl::convolution_backward_weights::primitive_desc pd(d, plainAttr(), cpuEngine(), hint);
#endif
  entry->prim = dnnl::convolution_backward_weights(pd);
  entry->scratchMd = pd.scratchpad_desc();
  entry->diffWeights.init(pd.diff_weights_desc(), g.weights(tag::hwio), true);
  return *map.emplace(key, std::move(entry)).first->second;
}

}  // namespace

// conv2d(x, filter, out, geometry, bias|null, activation, alpha): out = act(conv(x, filter) + bias).
DLTS_EXPORT(conv2d) {
  float* x = args.f32(0);
  float* w = args.f32(1);
  float* out = args.f32(2);
  Geometry g = Geometry::from(args, 3);
  float* bias = args.f32opt(4);
  const int act = static_cast<int>(args.i64(5));
  const float alpha = static_cast<float>(args.f64(6));
  try {
    ForwardEntry& e = forwardEntry(g, bias != nullptr, act, alpha);
    auto& eng = cpuEngine();
    auto& s = cpuStream();
    memory weights = e.weights.read(memory(g.weights(tag::hwio), eng, w), s);
    std::unordered_map<int, memory> margs = {{DNNL_ARG_SRC, memory(g.src(), eng, x)},
                                             {DNNL_ARG_WEIGHTS, weights},
                                             {DNNL_ARG_DST, memory(g.dst(), eng, out)},
                                             {DNNL_ARG_SCRATCHPAD, scratchMemory(e.scratchMd)}};
    if (bias != nullptr) margs.emplace(DNNL_ARG_BIAS, memory(g.bias(), eng, bias));
    e.prim.execute(s, margs);
    s.wait();
  } catch (const dnnl::error& err) {
    throw dlts::Error(std::string("conv2d: ") + err.what());
  }
  return dlts::undefinedValue(args.env());
}

// conv2dBackpropInput(dy, filter, dx, geometry): dx = the gradient of conv2d wrt its input.
DLTS_EXPORT(conv2dBackpropInput) {
  float* dy = args.f32(0);
  float* w = args.f32(1);
  float* dx = args.f32(2);
  Geometry g = Geometry::from(args, 3);
  try {
    BackwardDataEntry& e = backwardDataEntry(g);
    auto& eng = cpuEngine();
    auto& s = cpuStream();
    memory weights = e.weights.read(memory(g.weights(tag::hwio), eng, w), s);
    e.prim.execute(s, {{DNNL_ARG_DIFF_DST, memory(g.dst(), eng, dy)},
                       {DNNL_ARG_WEIGHTS, weights},
                       {DNNL_ARG_DIFF_SRC, memory(g.src(), eng, dx)},
                       {DNNL_ARG_SCRATCHPAD, scratchMemory(e.scratchMd)}});
    s.wait();
  } catch (const dnnl::error& err) {
    throw dlts::Error(std::string("conv2dBackpropInput: ") + err.what());
  }
  return dlts::undefinedValue(args.env());
}

// conv2dBackpropFilter(x, dy, dw, geometry): dw = the gradient of conv2d wrt its filter (HWIO).
DLTS_EXPORT(conv2dBackpropFilter) {
  float* x = args.f32(0);
  float* dy = args.f32(1);
  float* dw = args.f32(2);
  Geometry g = Geometry::from(args, 3);
  try {
    BackwardWeightsEntry& e = backwardWeightsEntry(g);
    auto& eng = cpuEngine();
    auto& s = cpuStream();
    memory userW(g.weights(tag::hwio), eng, dw);
    memory diffWeights = e.diffWeights.in(userW);
    e.prim.execute(s, {{DNNL_ARG_SRC, memory(g.src(), eng, x)},
                       {DNNL_ARG_DIFF_DST, memory(g.dst(), eng, dy)},
                       {DNNL_ARG_DIFF_WEIGHTS, diffWeights},
                       {DNNL_ARG_SCRATCHPAD, scratchMemory(e.scratchMd)}});
    e.diffWeights.written(diffWeights, userW, s);
    s.wait();
  } catch (const dnnl::error& err) {
    throw dlts::Error(std::string("conv2dBackpropFilter: ") + err.what());
  }
  return dlts::undefinedValue(args.env());
}
