/**
 * Comparisons (`Equal`, `NotEqual`, `Greater`, `GreaterEqual`, `Less`, `LessEqual` of float32
 * tensors, with broadcasting), `LogicalAnd`/`LogicalOr` of bool tensors, `Select` (elementwise
 * condition), and `ArgMax`/`ArgMin` along one axis: what accuracy metrics and the gradients of
 * clipping compute at every step. Other dtypes and forms fall back to the cpu kernels.
 *
 * @packageDocumentation
 */
import { ArgMax, ArgMin, Equal, Greater, GreaterEqual, Less, LessEqual, LogicalAnd, LogicalOr, NotEqual, Select, backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { collapseBroadcast } from './binary';
import { float32Values, nativeKernel, sizeOf, type NativeKernelArgs } from './kernel_util';

function broadcastArgs(a: TensorInfo, b: TensorInfo): { outShape: number[]; shape: Int32Array; sa: Int32Array; sb: Int32Array } {
  const c = collapseBroadcast(a.shape, b.shape);
  return { outShape: c.outShape, shape: Int32Array.from(c.shape), sa: Int32Array.from(c.sa), sb: Int32Array.from(c.sb) };
}

const COMPARISONS: [string, number][] = [
  [Equal, 0],
  [NotEqual, 1],
  [Greater, 2],
  [GreaterEqual, 3],
  [Less, 4],
  [LessEqual, 5],
];

function compareConfig(name: string, op: number): KernelConfig {
  return nativeKernel(name, ({ inputs, backend }: NativeKernelArgs): TensorInfo | undefined => {
    const av = float32Values(backend, inputs.a);
    const bv = float32Values(backend, inputs.b);
    if (!av || !bv) return undefined;
    const { outShape, shape, sa, sb } = broadcastArgs(inputs.a, inputs.b);
    const out = backend.outputBool(sizeOf(outShape));
    if (out.length > 0) backend.addon.compare(op, av, bv, out, shape, sa, sb);
    return backend.makeTensorInfo(outShape, 'bool', out);
  });
}

function logicalConfig(name: string, op: number): KernelConfig {
  return nativeKernel(name, ({ inputs, backend }: NativeKernelArgs): TensorInfo | undefined => {
    const { a, b } = inputs;
    const av = backend.data.get(a.dataId).values;
    const bv = backend.data.get(b.dataId).values;
    if (a.dtype !== 'bool' || b.dtype !== 'bool' || !(av instanceof Uint8Array) || !(bv instanceof Uint8Array)) return undefined;
    const { outShape, shape, sa, sb } = broadcastArgs(a, b);
    const out = backend.outputBool(sizeOf(outShape));
    if (out.length > 0) backend.addon.logical(op, av, bv, out, shape, sa, sb);
    return backend.makeTensorInfo(outShape, 'bool', out);
  });
}

/** The comparison and logical kernels of the native backend. */
export const logicConfigs: KernelConfig[] = [
  ...COMPARISONS.map(([name, op]) => compareConfig(name, op)),
  logicalConfig(LogicalAnd, 0),
  logicalConfig(LogicalOr, 1),
];

/** `Select` (`tf.where`) with an elementwise condition, float32 branches. */
export const selectConfig: KernelConfig = nativeKernel(Select, ({ inputs, backend }: NativeKernelArgs): TensorInfo | undefined => {
  const { condition, t, e } = inputs;
  const cv = backend.data.get(condition.dataId).values;
  const tv = float32Values(backend, t);
  const ev = float32Values(backend, e);
  if (!(cv instanceof Uint8Array) || !tv || !ev || tv.length !== ev.length || cv.length !== tv.length) return undefined;
  const out = backend.outputFloat32(tv.length);
  if (out.length > 0) backend.addon.select(cv, tv, ev, out, 1);
  return backend.makeTensorInfo([...t.shape], 'float32', out);
});

function argConfig(name: string, isMax: boolean): KernelConfig {
  return nativeKernel(name, ({ inputs, backend, attrs }: NativeKernelArgs<NamedAttrMap>): TensorInfo | undefined => {
    const { x } = inputs;
    const xv = float32Values(backend, x);
    if (!xv || xv.length === 0 || x.shape.length === 0) return undefined;
    const axis = util.parseAxisParam(attrs.axis as number | number[], x.shape)[0];
    const n = x.shape[axis];
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, [axis]);
    const out = backend.outputInt32(outer * inner);
    backend.addon.argMinMax(xv, out, outer, n, inner, isMax ? 1 : 0);
    return backend.makeTensorInfo(outShape, 'int32', out);
  });
}

/** `ArgMax` and `ArgMin` of float32 tensors on the native backend. */
export const argConfigs: KernelConfig[] = [argConfig(ArgMax, true), argConfig(ArgMin, false)];
