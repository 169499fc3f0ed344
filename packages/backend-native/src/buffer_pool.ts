/**
 * Reuse of output memory. A fresh large ArrayBuffer is expensive (the allocator maps new pages and
 * the kernel zeroes them: a new 1.6 MB buffer costs milliseconds), and training allocates the same
 * sizes on every step. Buffers that the native kernels allocated go back to a free list, keyed by
 * byte length, when the last tensor that uses them is disposed.
 *
 * A buffer is recycled only when it is safe: it came from this pool, no live tensor data refers
 * to it (counted per ArrayBuffer, so views made by cpu kernels such as `Slice` count too), and it
 * never escaped to user code through `dataSync()` / `data()` (escaped buffers are left to the
 * garbage collector).
 *
 * @packageDocumentation
 */

/** Buffers smaller than this are plain allocations (V8 keeps the smallest arrays on its heap). */
const MIN_POOLED_BYTES = 16 * 1024;

/** Statistics of a {@link BufferPool}. */
export interface BufferPoolStats {
  /** Bytes held in the free lists. */
  pooledBytes: number;
  /** Buffers handed out from the free lists. */
  reused: number;
  /** Buffers allocated because no free one fitted. */
  allocated: number;
}

/**
 * A free list of ArrayBuffers by byte length, bounded by `maxBytes` (the native backend's output
 * memory).
 *
 * @example
 * ```ts
 * const pool = new BufferPool(64 << 20);
 * const out = pool.takeFloat32(1 << 20); // a kernel writes it
 * pool.retain(out);                      // a tensor refers to it
 * pool.release(out);                     // the tensor is disposed: back to the free list
 * ```
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Live references (tensor data entries) per pooled buffer; absent = not recyclable. */
  private readonly refs = new WeakMap<ArrayBuffer, number>();
  private pooled = 0;
  private reused = 0;
  private allocated = 0;

  /** @param maxBytes - the most bytes kept in the free lists. */
  constructor(readonly maxBytes: number) {}

  /** A Float32Array of `length` values (contents undefined: the kernel overwrites all of them). */
  takeFloat32(length: number): Float32Array {
    const bytes = length * 4;
    if (bytes < MIN_POOLED_BYTES) return new Float32Array(length);
    const list = this.free.get(bytes);
    let buffer = list?.pop();
    if (buffer) {
      this.pooled -= bytes;
      this.reused++;
    } else {
      buffer = new ArrayBuffer(bytes);
      this.allocated++;
    }
    this.refs.set(buffer, 0);
    return new Float32Array(buffer, 0, length);
  }

  /** A tensor data entry now refers to `values`. */
  retain(values: unknown): void {
    const buffer = bufferOf(values);
    if (!buffer) return;
    const n = this.refs.get(buffer);
    if (n !== undefined) this.refs.set(buffer, n + 1);
  }

  /** A tensor data entry that referred to `values` was deleted: recycle the buffer if it was the last. */
  release(values: unknown): void {
    const buffer = bufferOf(values);
    if (!buffer) return;
    const n = this.refs.get(buffer);
    if (n === undefined) return;
    if (n > 1) {
      this.refs.set(buffer, n - 1);
      return;
    }
    this.refs.delete(buffer);
    const bytes = buffer.byteLength;
    if (bytes > this.maxBytes) return;
    // Make room by dropping the sizes that were freed longest ago (Map order = first insertion).
    for (const [size, buffers] of this.free) {
      if (this.pooled + bytes <= this.maxBytes) break;
      while (buffers.length > 0 && this.pooled + bytes > this.maxBytes) {
        buffers.pop();
        this.pooled -= size;
      }
      if (buffers.length === 0) this.free.delete(size);
    }
    let list = this.free.get(bytes);
    if (!list) this.free.set(bytes, (list = []));
    list.push(buffer);
    this.pooled += bytes;
  }

  /**
   * Whether `values` covers a whole buffer of this pool that exactly one tensor data entry refers
   * to and that never escaped to user code: writing into it is then invisible to anyone else.
   */
  isExclusive(values: unknown): boolean {
    const buffer = bufferOf(values);
    if (!buffer || this.refs.get(buffer) !== 1) return false;
    const view = values as ArrayBufferView;
    return view.byteOffset === 0 && view.byteLength === buffer.byteLength;
  }

  /** `values` was handed to user code: never recycle its buffer. */
  escape(values: unknown): void {
    const buffer = bufferOf(values);
    if (buffer) this.refs.delete(buffer);
  }

  /** Drops every free buffer. */
  clear(): void {
    this.free.clear();
    this.pooled = 0;
  }

  /** Current statistics. */
  stats(): BufferPoolStats {
    return { pooledBytes: this.pooled, reused: this.reused, allocated: this.allocated };
  }
}

function bufferOf(values: unknown): ArrayBuffer | undefined {
  if (values != null && ArrayBuffer.isView(values) && values.buffer instanceof ArrayBuffer) return values.buffer;
  return undefined;
}
