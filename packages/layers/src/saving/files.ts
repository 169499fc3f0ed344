import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DltsError, received } from '@dlts/tensors';

/** One entry of a weights manifest: where a tensor's bytes are in the binary file. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in the binary file. */
  offset: number;
}

/** Packs tensors into one little-endian buffer plus its manifest. */
export function packTensors(named: { name: string; tensor: tf.Tensor }[]): { specs: WeightSpec[]; data: Buffer } {
  const specs: WeightSpec[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const { name, tensor } of named) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new DltsError('DLTS_UNSUPPORTED', `save: weight ${name} has dtype ${tensor.dtype}; only float32 and int32 are saved`);
    }
    const values = tensor.dataSync() as Float32Array | Int32Array;
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    specs.push({ name, shape: tensor.shape.slice(), dtype: tensor.dtype, offset });
    parts.push(Buffer.from(bytes));
    offset += bytes.length;
  }
  return { specs, data: Buffer.concat(parts) };
}

/**
 * Checks a weights manifest read from `file`: a list of entries with a name, a shape, a dtype
 * (float32 or int32) and an offset. (`unpackTensors` checks them against the binary file.)
 * @throws DltsError `DLTS_IO` naming the file and the bad entry.
 */
export function checkManifest(specs: unknown, file: string, what: string): WeightSpec[] {
  if (!Array.isArray(specs)) {
    throw new DltsError('DLTS_IO', `loadModel: ${file} is corrupt: ${what} must be a list of weight entries. Received: ${received(specs)}`);
  }
  specs.forEach((spec: Partial<WeightSpec> | null, i) => {
    const bad = (why: string) => new DltsError('DLTS_IO', `loadModel: ${file} is corrupt: ${what}[${i}] ${why}. Received: ${received(spec)}`);
    if (!spec || typeof spec !== 'object') throw bad('must be an object');
    if (typeof spec.name !== 'string') throw bad('has no name');
    if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad('has an invalid shape');
    if (spec.dtype !== 'float32' && spec.dtype !== 'int32') throw bad('has an unsupported dtype (float32 or int32 expected)');
    if (!(Number.isInteger(spec.offset) && spec.offset! >= 0)) throw bad('has an invalid offset');
  });
  return specs as WeightSpec[];
}

/** Reads the tensors of a manifest back from a buffer; the caller owns them. */
export function unpackTensors(specs: WeightSpec[], data: Uint8Array, file: string): tf.Tensor[] {
  // Check every entry first, so that a bad one does not leave the tensors made before it behind.
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const end = spec.offset + count * 4;
    if (!Number.isInteger(spec.offset) || spec.offset < 0 || end > data.byteLength) {
      throw new DltsError('DLTS_IO', `loadModel: ${file} is truncated or does not match its manifest (weight ${spec.name})`);
    }
  }
  return specs.map((spec) => {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const start = data.byteOffset + spec.offset;
    const buffer = data.buffer.slice(start, start + count * 4);
    const values = spec.dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer);
    return tf.tensor(values, spec.shape, spec.dtype);
  });
}

/**
 * Writes a directory atomically: `write` fills a fresh temporary sibling directory, which then
 * replaces `dir` in two renames, so readers never see a half-written model.
 */
export async function writeDirAtomic(dir: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  const old = join(parent, `.${basename(dir)}.old-${tag}`);
  await mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  let moved = false;
  try {
    await rename(dir, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    }
  }
  try {
    await rename(tmp, dir);
  } catch (error) {
    // Put the previous version back rather than leave nothing (or only a hidden copy) at `dir`.
    if (moved) await rename(old, dir).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}

/** Writes a file atomically (temporary file in the same folder, then rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
