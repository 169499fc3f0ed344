/**
 * Every kernel the native backend runs natively, in registration order. Everything else runs the
 * cpu backend's kernel of the same name on the same storage (see `registerNativeBackend`).
 *
 * @packageDocumentation
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { addNConfig, binaryConfigs } from './binary';
import { castConfig } from './cast';
import { conv2DBackpropFilterConfig, conv2DBackpropInputConfig, conv2DConfig, fusedConv2DConfig } from './conv2d';
import { gatherV2Config } from './gather';
import { argConfigs, logicConfigs, selectConfig } from './logic';
import { batchMatMulConfig, fusedMatMulConfig } from './matmul';
import { applyAdamConfig, applyRMSpropConfig, applySGDConfig } from './optimizer';
import { avgPoolConfig, avgPoolGradConfig, maxPoolConfig, maxPoolGradConfig } from './pool';
import { reduceConfigs, softmaxConfig } from './reduce';
import { softmaxCrossEntropyConfig } from './softmax_cross_entropy';
import { unaryConfigs } from './unary';

/**
 * The native kernel configs (backend name `native`), registered by `registerNativeBackend`.
 *
 * @example
 * ```ts
 * console.log(nativeKernelConfigs.map((k) => k.kernelName)); // ['BatchMatMul', '_FusedMatMul', 'Conv2D', ...]
 * ```
 */
export const nativeKernelConfigs: readonly KernelConfig[] = [
  batchMatMulConfig,
  fusedMatMulConfig,
  conv2DConfig,
  fusedConv2DConfig,
  conv2DBackpropInputConfig,
  conv2DBackpropFilterConfig,
  maxPoolConfig,
  avgPoolConfig,
  maxPoolGradConfig,
  avgPoolGradConfig,
  ...unaryConfigs,
  ...binaryConfigs,
  addNConfig,
  ...reduceConfigs,
  softmaxConfig,
  softmaxCrossEntropyConfig,
  gatherV2Config,
  castConfig,
  ...logicConfigs,
  selectConfig,
  ...argConfigs,
  applyRMSpropConfig,
  applyAdamConfig,
  applySGDConfig,
];
