/**
 * Fashion-MNIST training images and labels from Debian's dataset-fashion-mnist, read directly
 * (IDX in gzip), so that the benchmark depends on nothing but the files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const DIR = process.env.DLTS_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';

function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(join(DIR, file)));
  const ndim = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: bytes.subarray(4 + 4 * ndim) };
}

/** The first `n` training images as floats in [0, 1] (n x 784) and their labels. */
export function fashionMnist(n: number): { x: Float32Array; labels: Int32Array } {
  const images = readIdx('train-images-idx3-ubyte.gz');
  const labels = readIdx('train-labels-idx1-ubyte.gz');
  const count = Math.min(n, images.dims[0]);
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { x, labels: Int32Array.from(labels.data.subarray(0, count)) };
}
