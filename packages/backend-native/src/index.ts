/**
 * @packageDocumentation
 * `@dlts/backend-native`: a TensorFlow.js backend for Node whose hot kernels run natively on
 * oneDNN (multi-threaded), with every other kernel from tfjs-backend-cpu on the same storage.
 * Importing it registers nothing: call {@link registerNativeBackend} (or `initBackend()` from
 * `@dlts/tensors`, which prefers it).
 */
export { registerNativeBackend, nativeStatus } from './register';
export type { RegisterNativeOptions } from './register';
export { installHint } from './addon';
export type { NativeStatus, NativeAddon } from './addon';
export { NativeBackend } from './backend';
export { BufferPool } from './buffer_pool';
export type { BufferPoolStats } from './buffer_pool';
export { nativeKernelConfigs } from './kernels/index';
export { APPLY_ADAM, APPLY_RMSPROP, APPLY_SGD } from './kernels/optimizer';
export { SOFTMAX_CROSS_ENTROPY } from './kernels/softmax_cross_entropy';
export { NATIVE_BACKEND, kernelCounts, resetKernelCounts } from './kernels/kernel_util';
