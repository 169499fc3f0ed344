/**
 * The `native` backend: tfjs-backend-cpu's storage (JS typed arrays in `data`), so every cpu
 * kernel runs on it unchanged, with the hot kernels replaced by native ones that read and write
 * those arrays in place, and outputs drawn from a {@link BufferPool}.
 *
 * @packageDocumentation
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { DataType, backend_util } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon';
import { BufferPool, type BufferPoolStats } from './buffer_pool';
import type { ThreadGovernor } from './thread_governor';

type DataId = object;

/**
 * A tfjs backend whose hot kernels run in the native addon. Created by tfjs when the `native`
 * backend is activated (see `registerNativeBackend`); reach it with `tf.backend()`.
 *
 * @example
 * ```ts
 * await tf.setBackend('native');
 * const stats = (tf.backend() as NativeBackend).poolStats(); // buffer reuse
 * ```
 */
export class NativeBackend extends MathBackendCPU {
  /** The loaded addon. */
  readonly addon: NativeAddon;
  /** Where kernel outputs come from. */
  readonly pool: BufferPool;

  /** Adapts the thread count to the machine's load (absent when the count is fixed). */
  readonly governor: ThreadGovernor | undefined;

  /**
   * @param addon - the loaded addon.
   * @param poolBytes - the most bytes of freed outputs kept for reuse.
   * @param governor - adapts the kernels' threads to the load; omit for a fixed count.
   */
  constructor(addon: NativeAddon, poolBytes: number, governor?: ThreadGovernor) {
    super();
    this.addon = addon;
    this.pool = new BufferPool(poolBytes);
    this.governor = governor;
    // MathBackendCPU prints "looks like you are running TensorFlow.js in Node.js" on first write.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** A float32 output array of `size` values, recycled when possible. */
  outputFloat32(size: number): Float32Array {
    return this.pool.takeFloat32(size);
  }

  /** A bool (0/1) output array of `size` bytes, recycled when possible. */
  outputBool(size: number): Uint8Array {
    const f = this.pool.takeFloat32(Math.ceil(size / 4));
    return new Uint8Array(f.buffer, f.byteOffset, size);
  }

  /** An int32 output array of `size` values, recycled when possible. */
  outputInt32(size: number): Int32Array {
    const f = this.pool.takeFloat32(size);
    return new Int32Array(f.buffer, f.byteOffset, size);
  }

  override write(values: backend_util.BackendValues, shape: number[], dtype: DataType): DataId {
    this.pool.retain(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: backend_util.BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.pool.retain(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const entry = this.data.has(dataId) ? this.data.get(dataId) : undefined;
    const freed = super.disposeData(dataId, force);
    if (entry !== undefined && !this.data.has(dataId)) this.pool.release(entry.values);
    return freed;
  }

  /**
   * Whether the tensor data `dataId` may be overwritten in place: one tensor refers to it (no
   * clone, reshape or saved copy shares it), and its memory came from this backend's pool, is not
   * shared with another tensor (a slice view) and never reached user code (`dataSync()` ...).
   */
  ownsExclusively(dataId: DataId): boolean {
    if (!this.data.has(dataId)) return false;
    const entry = this.data.get(dataId);
    return entry.refCount === 1 && this.pool.isExclusive(entry.values);
  }

  override readSync(dataId: DataId): backend_util.BackendValues {
    // The array goes to user code (dataSync, data, arraySync, bufferSync): never recycle it.
    if (this.data.has(dataId)) this.pool.escape(this.data.get(dataId).values);
    return super.readSync(dataId);
  }

  override async read(dataId: DataId): Promise<backend_util.BackendValues> {
    return this.readSync(dataId);
  }

  /** Buffer reuse statistics. */
  poolStats(): BufferPoolStats {
    return this.pool.stats();
  }

  override dispose(): void {
    this.pool.clear();
    super.dispose();
  }
}
