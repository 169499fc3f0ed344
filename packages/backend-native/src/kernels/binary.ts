/**
 * Elementwise float32 kernels of two inputs with numpy broadcasting: `Add`, `Sub`, `Multiply`,
 * `RealDiv`, `Maximum`, `Minimum`, `SquaredDifference`, `Pow`, and `AddN`. Shapes are collapsed
 * to the fewest dimensions first, so a bias add is one strided loop and an optimizer update one
 * flat loop.
 *
 * @packageDocumentation
 */
import { Add, AddN, Maximum, Minimum, Multiply, Pow, RealDiv, SquaredDifference, Sub, broadcast_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, nativeKernel, output, sizeOf, type NativeKernelArgs } from './kernel_util';

/**
 * The output shape of broadcasting `a` with `b`, collapsed: adjacent dimensions merge when both
 * operands step through them contiguously (or both broadcast them). Strides are 0 on broadcast
 * dimensions.
 */
export function collapseBroadcast(aShape: readonly number[], bShape: readonly number[]): { outShape: number[]; shape: number[]; sa: number[]; sb: number[] } {
  const outShape = broadcast_util.assertAndGetBroadcastShape(aShape as number[], bShape as number[]);
  const rank = outShape.length;
  const stridesOf = (s: readonly number[]): number[] => {
    const padded = [...new Array(rank - s.length).fill(1), ...s];
    const strides = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let d = rank - 1; d >= 0; d--) {
      strides[d] = padded[d] === 1 ? 0 : acc;
      acc *= padded[d];
    }
    return strides;
  };
  const fa = stridesOf(aShape);
  const fb = stridesOf(bShape);
  const shape: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (outShape[d] === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && sa[last] === fa[d] * outShape[d] && sb[last] === fb[d] * outShape[d]) {
      // Merge into the previous dimension: its strides become this one's.
      shape[last] *= outShape[d];
      sa[last] = fa[d];
      sb[last] = fb[d];
    } else {
      shape.push(outShape[d]);
      sa.push(fa[d]);
      sb.push(fb[d]);
    }
  }
  if (shape.length === 0) {
    shape.push(1);
    sa.push(0);
    sb.push(0);
  }
  return { outShape, shape, sa, sb };
}

/** Kernel name, native op code (native/elementwise.cc `Binary`), and the same op in JS for tiny tensors. */
const BINARY: [string, number, (x: number, y: number) => number][] = [
  [Add, 0, (x, y) => x + y],
  [Sub, 1, (x, y) => x - y],
  [Multiply, 2, (x, y) => x * y],
  [RealDiv, 3, (x, y) => x / y],
  [Maximum, 4, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y))],
  [Minimum, 5, (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y))],
  [SquaredDifference, 6, (x, y) => (x - y) * (x - y)],
  [Pow, 7, Math.pow],
];

/** Below this many values a JS loop beats the native call (and its shape arrays). */
const TINY = 64;
const ONE = Int32Array.of(1);
const ZERO = Int32Array.of(0);

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function binaryConfig(name: string, op: number, js: (x: number, y: number) => number): KernelConfig {
  return nativeKernel(name, ({ inputs, backend }: NativeKernelArgs): TensorInfo | undefined => {
    const { a, b } = inputs;
    const av = float32Values(backend, a);
    const bv = float32Values(backend, b);
    if (!av || !bv) return undefined;
    // The common cases (same shape, a scalar operand) need no broadcasting analysis.
    let outShape: number[];
    let sa: Int32Array;
    let sb: Int32Array;
    let shape: Int32Array | undefined;
    if (sameShape(a.shape, b.shape)) [outShape, sa, sb] = [[...a.shape], ONE, ONE];
    else if (bv.length === 1 && b.shape.length <= a.shape.length) [outShape, sa, sb] = [[...a.shape], ONE, ZERO];
    else if (av.length === 1 && a.shape.length <= b.shape.length) [outShape, sa, sb] = [[...b.shape], ZERO, ONE];
    else {
      const c = collapseBroadcast(a.shape, b.shape);
      [outShape, shape, sa, sb] = [c.outShape, Int32Array.from(c.shape), Int32Array.from(c.sa), Int32Array.from(c.sb)];
    }
    const size = sizeOf(outShape);
    const out = backend.outputFloat32(size);
    if (size > 0) {
      if (shape === undefined && size <= TINY) {
        const da = sa[0];
        const db = sb[0];
        for (let i = 0; i < size; i++) out[i] = js(av[i * da], bv[i * db]);
      } else {
        backend.addon.binary(op, av, bv, out, shape ?? Int32Array.of(size), sa, sb);
      }
    }
    return output(backend, outShape, out);
  });
}

/** The elementwise binary kernels of the native backend. */
export const binaryConfigs: KernelConfig[] = BINARY.map(([name, op, js]) => binaryConfig(name, op, js));

/** `AddN` (the sum of same-shape tensors; gradient accumulation) on the native backend. */
export const addNConfig: KernelConfig = nativeKernel(AddN, ({ inputs, backend }: NativeKernelArgs) => {
  const tensors = inputs as unknown as TensorInfo[];
  if (tensors.length === 0 || tensors.length > 30) return undefined;
  const values: Float32Array[] = [];
  for (const t of tensors) {
    const v = float32Values(backend, t);
    if (!v || v.length !== sizeOf(tensors[0].shape)) return undefined;
    values.push(v);
  }
  const out = backend.outputFloat32(values[0].length);
  if (out.length > 0) backend.addon.addN(out, ...values);
  return output(backend, [...tensors[0].shape], out);
});
