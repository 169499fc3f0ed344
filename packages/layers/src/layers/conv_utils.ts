import { DltsError, received } from '@dlts/tensors';

/** `3` -> `[3, 3]`; `[3, 2]` stays; validates positive integers. */
export function normalizePair(value: number | number[] | undefined, fallback: [number, number], fn: string, arg: string): [number, number] {
  if (value === undefined || value === null) return fallback;
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v > 0)) {
    throw new DltsError('DLTS_VALUE', `${fn}: ${arg} must be a positive integer or a pair of them. Received: ${arg}=${received(value)}`);
  }
  return [pair[0], pair[1]];
}

/** Validates Keras's padding names. */
export function normalizePadding(value: string | undefined, fn: string): 'valid' | 'same' {
  const p = (value ?? 'valid').toLowerCase();
  if (p !== 'valid' && p !== 'same') {
    throw new DltsError('DLTS_VALUE', `${fn}: padding must be 'valid' or 'same'. Received: padding=${received(value)}`);
  }
  return p;
}

/** Only channels-last (NHWC) data is supported, as in the course. */
export function checkDataFormat(value: string | undefined, fn: string): 'channels_last' {
  if (value !== undefined && value !== 'channels_last') {
    throw new DltsError('DLTS_UNSUPPORTED', `${fn}: only dataFormat 'channels_last' (NHWC) is supported. Received: dataFormat=${received(value)}`);
  }
  return 'channels_last';
}

/** Keras's `conv_output_length`: the spatial size after a convolution or pooling window. */
export function convOutputLength(length: number | null, window: number, padding: 'valid' | 'same', stride: number, dilation = 1): number | null {
  if (length === null) return null;
  const dilated = window + (window - 1) * (dilation - 1);
  const out = padding === 'same' ? length : length - dilated + 1;
  return Math.floor((out + stride - 1) / stride);
}
