// 2-D max and average pooling and their gradients, NHWC, with tfjs-backend-cpu's semantics:
// max takes the first maximum of a window (row-major), padding never wins; avg divides by the
// number of in-bounds values; AvgPoolGrad spreads dy / (filter height * width), as tfjs does.
// Vectorised over channels, threads over batch x channel blocks.
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "common.h"

namespace {

struct PoolGeometry {
  int64_t N, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW;
  static PoolGeometry from(const dlts::Args& args, size_t i) {
    std::vector<int64_t> g = args.dims(i);
    if (g.size() != 12) throw dlts::Error("pool geometry must have 12 values");
    return {g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]};
  }
  // The in-bounds rows [r0, r1) of output row oy, and columns [c0, c1) of output column ox.
  void rows(int64_t oy, int64_t& r0, int64_t& r1) const {
    const int64_t corner = oy * SH - PT;
    r0 = std::max<int64_t>(0, corner);
    r1 = std::min<int64_t>(H, corner + KH);
  }
  void cols(int64_t ox, int64_t& c0, int64_t& c1) const {
    const int64_t corner = ox * SW - PL;
    c0 = std::max<int64_t>(0, corner);
    c1 = std::min<int64_t>(W, corner + KW);
  }
};

constexpr int64_t kChannelBlock = 64;

}  // namespace

// pool(x, out, geometry, isMax)
DLTS_EXPORT(pool) {
  const float* x = args.f32(0);
  float* out = args.f32(1);
  const PoolGeometry g = PoolGeometry::from(args, 2);
  const bool isMax = args.i64(3) != 0;
  const int64_t C = g.C;
  const int64_t work = g.N * g.OH * g.OW * C * g.KH * g.KW;
#pragma omp parallel for collapse(2) schedule(static) if (work > dlts::kParallelGrain)
  for (int64_t b = 0; b < g.N; ++b) {
    for (int64_t oy = 0; oy < g.OH; ++oy) {
      int64_t r0, r1;
      g.rows(oy, r0, r1);
      for (int64_t ox = 0; ox < g.OW; ++ox) {
        int64_t c0, c1;
        g.cols(ox, c0, c1);
        float* o = out + ((b * g.OH + oy) * g.OW + ox) * C;
        if (isMax) {
          for (int64_t c = 0; c < C; ++c) o[c] = -std::numeric_limits<float>::infinity();
          for (int64_t r = r0; r < r1; ++r) {
            for (int64_t col = c0; col < c1; ++col) {
              const float* p = x + ((b * g.H + r) * g.W + col) * C;
              for (int64_t c = 0; c < C; ++c) o[c] = p[c] > o[c] ? p[c] : o[c];
            }
          }
        } else {
          for (int64_t c = 0; c < C; ++c) o[c] = 0.f;
          for (int64_t r = r0; r < r1; ++r) {
            for (int64_t col = c0; col < c1; ++col) {
              const float* p = x + ((b * g.H + r) * g.W + col) * C;
              for (int64_t c = 0; c < C; ++c) o[c] += p[c];
            }
          }
          const float count = static_cast<float>((r1 - r0) * (c1 - c0));
          for (int64_t c = 0; c < C; ++c) o[c] /= count;
        }
      }
    }
  }
  return dlts::undefinedValue(args.env());
}

// maxPoolGrad(dy, x, dx, geometry): dx gets each dy at the first maximum of its window.
DLTS_EXPORT(maxPoolGrad) {
  const float* dy = args.f32(0);
  const float* x = args.f32(1);
  float* dx = args.f32(2);
  const PoolGeometry g = PoolGeometry::from(args, 3);
  const int64_t C = g.C;
  const int64_t blocks = (C + kChannelBlock - 1) / kChannelBlock;
  const int64_t work = g.N * g.OH * g.OW * C * g.KH * g.KW;
  if (g.H * g.W >= (int64_t(1) << 31)) throw dlts::Error("maxPoolGrad: image too large");
#pragma omp parallel for collapse(2) schedule(static) if (work > dlts::kParallelGrain)
  for (int64_t b = 0; b < g.N; ++b) {
    for (int64_t blk = 0; blk < blocks; ++blk) {
      const int64_t cs = blk * kChannelBlock;
      const int64_t n = std::min(C, cs + kChannelBlock) - cs;
      const float* xb = x + b * g.H * g.W * C + cs;
      float* dxb = dx + b * g.H * g.W * C + cs;
      // Windows that tile the image (stride = size, no padding) each own their pixels: write
      // every pixel once (dy at the maximum, 0 elsewhere) instead of zeroing and scattering.
      const bool tiled = g.SH == g.KH && g.SW == g.KW && g.PT == 0 && g.PL == 0;
      if (tiled) {
        for (int64_t r = g.OH * g.KH; r < g.H; ++r)
          for (int64_t col = 0; col < g.W; ++col) std::memset(dxb + (r * g.W + col) * C, 0, sizeof(float) * n);
        for (int64_t r = 0; r < std::min(g.H, g.OH * g.KH); ++r)
          for (int64_t col = g.OW * g.KW; col < g.W; ++col) std::memset(dxb + (r * g.W + col) * C, 0, sizeof(float) * n);
      } else {
        for (int64_t p = 0; p < g.H * g.W; ++p) std::memset(dxb + p * C, 0, sizeof(float) * n);
      }
      alignas(64) float best[kChannelBlock];
      alignas(64) int32_t where[kChannelBlock];  // pixel index r * W + col of the maximum, -1: none
      for (int64_t oy = 0; oy < g.OH; ++oy) {
        int64_t r0, r1;
        g.rows(oy, r0, r1);
        for (int64_t ox = 0; ox < g.OW; ++ox) {
          int64_t c0, c1;
          g.cols(ox, c0, c1);
          for (int64_t c = 0; c < n; ++c) {
            best[c] = -std::numeric_limits<float>::infinity();
            where[c] = -1;
          }
          for (int64_t r = r0; r < r1; ++r) {
            for (int64_t col = c0; col < c1; ++col) {
              const int32_t pixel = static_cast<int32_t>(r * g.W + col);
              const float* p = xb + pixel * C;
              // Branch-free (vectorised) update: strictly greater keeps the first maximum.
#pragma omp simd
              for (int64_t c = 0; c < n; ++c) {
                const bool greater = p[c] > best[c];
                best[c] = greater ? p[c] : best[c];
                where[c] = greater ? pixel : where[c];
              }
            }
          }
          const float* d = dy + ((b * g.OH + oy) * g.OW + ox) * C + cs;
          if (tiled) {
            for (int64_t r = r0; r < r1; ++r) {
              for (int64_t col = c0; col < c1; ++col) {
                const int32_t pixel = static_cast<int32_t>(r * g.W + col);
                float* q = dxb + pixel * C;
#pragma omp simd
                for (int64_t c = 0; c < n; ++c) q[c] = where[c] == pixel ? d[c] : 0.f;
              }
            }
          } else {
            for (int64_t c = 0; c < n; ++c) {
              if (where[c] >= 0) dxb[int64_t(where[c]) * C + c] += d[c];
            }
          }
        }
      }
    }
  }
  return dlts::undefinedValue(args.env());
}

// avgPoolGrad(dy, dx, geometry): dx[window] += dy / (KH * KW) over each window's in-bounds values.
DLTS_EXPORT(avgPoolGrad) {
  const float* dy = args.f32(0);
  float* dx = args.f32(1);
  const PoolGeometry g = PoolGeometry::from(args, 2);
  const int64_t C = g.C;
  const float scale = 1.f / static_cast<float>(g.KH * g.KW);
  const int64_t blocks = (C + kChannelBlock - 1) / kChannelBlock;
  const int64_t work = g.N * g.OH * g.OW * C * g.KH * g.KW;
#pragma omp parallel for collapse(2) schedule(static) if (work > dlts::kParallelGrain)
  for (int64_t b = 0; b < g.N; ++b) {
    for (int64_t blk = 0; blk < blocks; ++blk) {
      const int64_t cs = blk * kChannelBlock;
      const int64_t ce = std::min(C, cs + kChannelBlock);
      const int64_t n = ce - cs;
      for (int64_t r = 0; r < g.H; ++r)
        for (int64_t col = 0; col < g.W; ++col) std::memset(dx + ((b * g.H + r) * g.W + col) * C + cs, 0, sizeof(float) * n);
      float v[kChannelBlock];
      for (int64_t oy = 0; oy < g.OH; ++oy) {
        int64_t r0, r1;
        g.rows(oy, r0, r1);
        for (int64_t ox = 0; ox < g.OW; ++ox) {
          int64_t c0, c1;
          g.cols(ox, c0, c1);
          const float* d = dy + ((b * g.OH + oy) * g.OW + ox) * C + cs;
          for (int64_t c = 0; c < n; ++c) v[c] = d[c] * scale;
          for (int64_t r = r0; r < r1; ++r) {
            for (int64_t col = c0; col < c1; ++col) {
              float* p = dx + ((b * g.H + r) * g.W + col) * C + cs;
              for (int64_t c = 0; c < n; ++c) p[c] += v[c];
            }
          }
        }
      }
    }
  }
  return dlts::undefinedValue(args.env());
}
