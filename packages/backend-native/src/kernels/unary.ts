/**
 * Elementwise float32 kernels of one input: activations (`Relu`, `Elu`, `Sigmoid`, ...) and the
 * maths of losses and optimizers (`Exp`, `Log`, `Sqrt`, `Square`, ...), threaded over all cores
 * for large tensors. Other dtypes fall back to the cpu kernels.
 *
 * @packageDocumentation
 */
import * as K from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { float32Values, nativeKernel, output, type NativeKernelArgs } from './kernel_util';

/** Kernel name, native op code (native/elementwise.cc `Unary`), and the attrs it reads. */
const UNARY: [string, number, ((attrs: NamedAttrMap) => [number, number])?][] = [
  [K.Relu, 0],
  [K.Relu6, 1],
  [K.Elu, 2],
  [K.LeakyRelu, 3, (a) => [a.alpha as number, 0]],
  [K.Sigmoid, 4],
  [K.Tanh, 5],
  [K.Exp, 6],
  [K.Log, 7],
  [K.Sqrt, 8],
  [K.Rsqrt, 9],
  [K.Square, 10],
  [K.Neg, 11],
  [K.Abs, 12],
  [K.Step, 13, (a) => [a.alpha as number, 0]],
  [K.Softplus, 14],
  [K.Reciprocal, 15],
  [K.Selu, 16],
  [K.ClipByValue, 17, (a) => [a.clipValueMin as number, a.clipValueMax as number]],
  [K.Log1p, 18],
  [K.Expm1, 19],
  [K.Erf, 20],
  [K.Floor, 21],
  [K.Ceil, 22],
  [K.Round, 23],
  [K.Sign, 24],
];

function unaryConfig(name: string, op: number, params?: (attrs: NamedAttrMap) => [number, number]): KernelConfig {
  return nativeKernel(name, ({ inputs, backend, attrs }: NativeKernelArgs) => {
    const x = inputs.x;
    const xv = float32Values(backend, x);
    if (!xv) return undefined;
    const [alpha, beta] = params ? params(attrs) : [0, 0];
    const out = backend.outputFloat32(xv.length);
    backend.addon.unary(op, xv, out, alpha, beta);
    return output(backend, [...x.shape], out);
  });
}

/** The elementwise unary kernels of the native backend. */
export const unaryConfigs: KernelConfig[] = UNARY.map(([name, op, params]) => unaryConfig(name, op, params));
