/**
 * ZCA whitening for `ImageDataGenerator.fit` (Keras: `u, s, _ = svd(flat_x.T)`,
 * `W = (u * sqrt(n) / (s + eps)) @ u.T`). The singular vectors come from a symmetric
 * eigen-decomposition (Householder tridiagonalisation + implicit QL, as EISPACK's tred2/tql2) of
 * the smaller of the two Gram matrices, so it is exact but O(min(n, d)^3): meant for small images.
 */
import { DltsError } from '@dlts/tensors';

/** Largest `min(samples, h*w*c)` the eigen-decomposition accepts, and largest `h*w*c`. */
export const ZCA_LIMITS = { rank: 1024, dimension: 4096 };

/**
 * The `d x d` ZCA matrix (row-major float32) of `n` centred samples of `d` values each.
 *
 * @throws DltsError `DLTS_UNSUPPORTED` beyond {@link ZCA_LIMITS}.
 */
export function zcaWhiteningMatrix(x: Float32Array, n: number, d: number, epsilon: number): Float32Array {
  const k = Math.min(n, d);
  if (d > ZCA_LIMITS.dimension || k > ZCA_LIMITS.rank) {
    throw new DltsError(
      'DLTS_UNSUPPORTED',
      `fit: zcaWhitening is implemented for images of at most ${ZCA_LIMITS.dimension} values and min(samples, values) <= ${ZCA_LIMITS.rank}. Received: ${n} samples of ${d} values`,
    );
  }
  // Gram matrix of the smaller side: d x d (X^T X) when d <= n, else n x n (X X^T).
  const useCovariance = d <= n;
  const g = new Float64Array(k * k);
  if (useCovariance) {
    for (let s = 0; s < n; s++) {
      const row = s * d;
      for (let i = 0; i < d; i++) {
        const xi = x[row + i];
        if (xi === 0) continue;
        for (let j = i; j < d; j++) g[i * d + j] += xi * x[row + j];
      }
    }
  } else {
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let acc = 0;
        for (let i = 0; i < d; i++) acc += x[a * d + i] * x[b * d + i];
        g[a * n + b] = acc;
      }
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) g[i * k + j] = g[j * k + i];
  const { values, vectors } = symmetricEigen(g, k);
  // Left singular vectors u (d x k) and singular values s = sqrt(eigenvalues).
  const u = new Float64Array(d * k);
  const s = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    s[c] = Math.sqrt(Math.max(values[c], 0));
    if (useCovariance) {
      for (let i = 0; i < d; i++) u[i * k + c] = vectors[i * k + c];
    } else if (s[c] > 0) {
      // u = X^T v / s
      for (let i = 0; i < d; i++) {
        let acc = 0;
        for (let a = 0; a < n; a++) acc += x[a * d + i] * vectors[a * k + c];
        u[i * k + c] = acc / s[c];
      }
    }
  }
  const scale = Float64Array.from(s, (v) => Math.sqrt(n) / (v + epsilon));
  const w = new Float32Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let acc = 0;
      for (let c = 0; c < k; c++) acc += u[i * k + c] * scale[c] * u[j * k + c];
      w[i * d + j] = acc;
      w[j * d + i] = acc;
    }
  }
  return w;
}

/**
 * Eigenvalues and eigenvectors (columns of `vectors`, row-major `n x n`) of a symmetric matrix.
 * Householder reduction to tridiagonal form, then the implicit QL algorithm.
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const V = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const at = (i: number, j: number) => i * n + j;
  for (let j = 0; j < n; j++) d[j] = V[at(n - 1, j)];
  // tred2
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[at(i - 1, j)];
        V[at(i, j)] = 0;
        V[at(j, i)] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[at(j, i)] = f;
        g = e[j] + V[at(j, j)] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[at(k, j)] * d[k];
          e[k] += V[at(k, j)] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[at(k, j)] -= f * e[k] + g * d[k];
        d[j] = V[at(i - 1, j)];
        V[at(i, j)] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[at(n - 1, i)] = V[at(i, i)];
    V[at(i, i)] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[at(k, i + 1)] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[at(k, i + 1)] * V[at(k, j)];
        for (let k = 0; k <= i; k++) V[at(k, j)] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[at(k, i + 1)] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[at(n - 1, j)];
    V[at(n - 1, j)] = 0;
  }
  V[at(n - 1, n - 1)] = 1;
  e[0] = 0;
  // tql2
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            h = V[at(k, i + 1)];
            V[at(k, i + 1)] = s * V[at(k, i)] + c * h;
            V[at(k, i)] = c * V[at(k, i)] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return { values: d, vectors: V };
}
