import * as tf from '@tensorflow/tfjs-core';
import { DltsError, nextSeed, received } from '@dlts/tensors';

/**
 * Creates a layer's initial weight values (Keras's `Initializer`). Random initialisers draw their
 * seed from the dlts stream (see `setSeed`) unless given one.
 */
export interface Initializer {
  /** Keras class name, e.g. `GlorotUniform`. */
  readonly className: string;
  /** Returns a new tensor of `shape`. */
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor;
  /** Keras config. */
  getConfig(): Record<string, unknown>;
}

/**
 * Keras's fan computation: dense `[in, out]`; conv `[kh, kw, in, out]` multiplies by the receptive field.
 *
 * @example
 * ```ts
 * import { computeFans } from '@dlts/layers';
 * computeFans([784, 512]); // { fanIn: 784, fanOut: 512 }
 * computeFans([3, 3, 32, 64]); // { fanIn: 288, fanOut: 576 }: a 3x3 kernel from 32 to 64 channels
 * ```
 */
export function computeFans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

type Mode = 'fan_in' | 'fan_out' | 'fan_avg';
type Distribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

/** Options of {@link varianceScaling}. */
export interface VarianceScalingOptions {
  /** Scaling factor (positive). Default 1. */
  scale?: number;
  /** Which fan to divide by. Default `'fan_in'`. */
  mode?: Mode;
  /** Default `'truncated_normal'`. */
  distribution?: Distribution | 'normal';
  /** Fixed seed; default a fresh draw from the dlts stream on every call. */
  seed?: number;
}

/**
 * Keras's `VarianceScaling`: samples with variance `scale / n` where n is the chosen fan.
 * @example
 * ```ts
 * dense({ units: 64, kernelInitializer: varianceScaling({ scale: 2, mode: 'fan_in' }) });
 * ```
 */
export function varianceScaling(options: VarianceScalingOptions = {}, className = 'VarianceScaling'): Initializer {
  const scale = options.scale ?? 1;
  const mode = options.mode ?? 'fan_in';
  const distribution: Distribution = options.distribution === 'normal' ? 'truncated_normal' : (options.distribution ?? 'truncated_normal');
  if (!(scale > 0)) throw new DltsError('DLTS_VALUE', `varianceScaling: scale must be positive. Received: scale=${received(scale)}`);
  if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode)) {
    throw new DltsError('DLTS_VALUE', `varianceScaling: mode must be 'fan_in', 'fan_out' or 'fan_avg'. Received: mode=${received(mode)}`);
  }
  if (!['truncated_normal', 'untruncated_normal', 'uniform'].includes(distribution)) {
    throw new DltsError('DLTS_VALUE', `varianceScaling: unknown distribution. Received: distribution=${received(distribution)}`);
  }
  return {
    className,
    apply(shape, dtype = 'float32') {
      const { fanIn, fanOut } = computeFans(shape);
      const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
      const s = scale / Math.max(1, n);
      const seed = options.seed ?? nextSeed();
      if (distribution === 'truncated_normal') {
        // 0.879... is the stddev of a unit normal truncated to [-2, 2] (Keras uses the same constant).
        return tf.truncatedNormal(shape, 0, Math.sqrt(s) / 0.87962566103423978, dtype as 'float32', seed);
      }
      if (distribution === 'untruncated_normal') return tf.randomNormal(shape, 0, Math.sqrt(s), dtype as 'float32', seed);
      const limit = Math.sqrt(3 * s);
      return tf.randomUniform(shape, -limit, limit, dtype, seed);
    },
    getConfig: () => ({ scale, mode, distribution, seed: options.seed ?? null }),
  };
}

/**
 * Glorot (Xavier) uniform, Keras's default kernel initializer: U(-l, l), l = sqrt(6 / (fanIn + fanOut)).
 *
 * @example
 * ```ts
 * import { dense, glorotUniform } from '@dlts/layers';
 * dense({ units: 64, kernelInitializer: glorotUniform({ seed: 42 }) });
 * const w = glorotUniform().apply([784, 64]); // values in [-l, l], l = sqrt(6 / (784 + 64)) = 0.084
 * ```
 */
export function glorotUniform(options: { seed?: number } = {}): Initializer {
  return withConfig(varianceScaling({ scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: options.seed }, 'GlorotUniform'), options);
}
/**
 * Glorot normal: truncated normal with stddev sqrt(2 / (fanIn + fanOut)).
 *
 * @example
 * ```ts
 * import { dense, glorotNormal } from '@dlts/layers';
 * dense({ units: 64, kernelInitializer: glorotNormal() });
 * const w = glorotNormal({ seed: 1 }).apply([784, 64]); // stddev about sqrt(2 / (784 + 64))
 * ```
 */
export function glorotNormal(options: { seed?: number } = {}): Initializer {
  return withConfig(varianceScaling({ scale: 1, mode: 'fan_avg', distribution: 'truncated_normal', seed: options.seed }, 'GlorotNormal'), options);
}
/**
 * He normal: truncated normal with stddev sqrt(2 / fanIn).
 *
 * @example
 * ```ts
 * import { conv2d, heNormal } from '@dlts/layers';
 * conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: heNormal() });
 * ```
 */
export function heNormal(options: { seed?: number } = {}): Initializer {
  return withConfig(varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: options.seed }, 'HeNormal'), options);
}
/**
 * He uniform: U(-l, l), l = sqrt(6 / fanIn).
 *
 * @example
 * ```ts
 * import { dense, heUniform } from '@dlts/layers';
 * dense({ units: 128, activation: 'relu', kernelInitializer: heUniform({ seed: 7 }) });
 * ```
 */
export function heUniform(options: { seed?: number } = {}): Initializer {
  return withConfig(varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'uniform', seed: options.seed }, 'HeUniform'), options);
}
/**
 * LeCun normal: truncated normal with stddev sqrt(1 / fanIn).
 *
 * @example
 * ```ts
 * import { dense, lecunNormal } from '@dlts/layers';
 * dense({ units: 64, activation: 'selu', kernelInitializer: lecunNormal() });
 * ```
 */
export function lecunNormal(options: { seed?: number } = {}): Initializer {
  return withConfig(varianceScaling({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed: options.seed }, 'LecunNormal'), options);
}
/**
 * LeCun uniform: U(-l, l), l = sqrt(3 / fanIn).
 *
 * @example
 * ```ts
 * import { dense, lecunUniform } from '@dlts/layers';
 * dense({ units: 64, kernelInitializer: lecunUniform() });
 * const w = lecunUniform().apply([300, 64]); // values in [-0.1, 0.1]: l = sqrt(3 / 300)
 * ```
 */
export function lecunUniform(options: { seed?: number } = {}): Initializer {
  return withConfig(varianceScaling({ scale: 1, mode: 'fan_in', distribution: 'uniform', seed: options.seed }, 'LecunUniform'), options);
}

function withConfig(init: Initializer, options: { seed?: number }): Initializer {
  return { ...init, getConfig: () => ({ seed: options.seed ?? null }) };
}

/**
 * All zeros (Keras's default bias initializer).
 *
 * @example
 * ```ts
 * import { dense, zeros } from '@dlts/layers';
 * dense({ units: 10, biasInitializer: zeros() }); // the default bias initializer, also 'zeros'
 * zeros().apply([2, 3]).print(); // [[0, 0, 0], [0, 0, 0]]
 * ```
 */
export function zeros(): Initializer {
  return { className: 'Zeros', apply: (shape, dtype = 'float32') => tf.zeros(shape, dtype), getConfig: () => ({}) };
}
/**
 * All ones.
 *
 * @example
 * ```ts
 * import { batchNormalization, ones } from '@dlts/layers';
 * batchNormalization({ gammaInitializer: ones() }); // the default, also 'ones'
 * ones().apply([3]).print(); // [1, 1, 1]
 * ```
 */
export function ones(): Initializer {
  return { className: 'Ones', apply: (shape, dtype = 'float32') => tf.ones(shape, dtype), getConfig: () => ({}) };
}
/**
 * A constant value.
 *
 * @example
 * ```ts
 * import { constant, dense } from '@dlts/layers';
 * dense({ units: 10, biasInitializer: constant({ value: 0.1 }) });
 * constant({ value: 0.1 }).apply([2]).print(); // [0.1, 0.1]
 * ```
 */
export function constant(options: { value?: number } = {}): Initializer {
  const value = options.value ?? 0;
  return { className: 'Constant', apply: (shape, dtype = 'float32') => tf.fill(shape, value, dtype), getConfig: () => ({ value }) };
}
/**
 * Normal N(mean, stddev), Keras defaults mean 0, stddev 0.05.
 *
 * @example
 * ```ts
 * import { dense, randomNormal } from '@dlts/layers';
 * dense({ units: 64, kernelInitializer: randomNormal({ stddev: 0.01, seed: 42 }) });
 * ```
 */
export function randomNormal(options: { mean?: number; stddev?: number; seed?: number } = {}): Initializer {
  const mean = options.mean ?? 0;
  const stddev = options.stddev ?? 0.05;
  return {
    className: 'RandomNormal',
    apply: (shape, dtype = 'float32') => tf.randomNormal(shape, mean, stddev, dtype as 'float32', options.seed ?? nextSeed()),
    getConfig: () => ({ mean, stddev, seed: options.seed ?? null }),
  };
}
/**
 * Uniform U(minval, maxval), Keras defaults -0.05, 0.05.
 *
 * @example
 * ```ts
 * import { embedding, randomUniform } from '@dlts/layers';
 * embedding({ inputDim: 10000, outputDim: 8, embeddingsInitializer: randomUniform({ minval: -0.1, maxval: 0.1 }) });
 * ```
 */
export function randomUniform(options: { minval?: number; maxval?: number; seed?: number } = {}): Initializer {
  const minval = options.minval ?? -0.05;
  const maxval = options.maxval ?? 0.05;
  return {
    className: 'RandomUniform',
    apply: (shape, dtype = 'float32') => tf.randomUniform(shape, minval, maxval, dtype, options.seed ?? nextSeed()),
    getConfig: () => ({ minval, maxval, seed: options.seed ?? null }),
  };
}
/**
 * Truncated normal (within 2 stddev), Keras defaults mean 0, stddev 0.05.
 *
 * @example
 * ```ts
 * import { dense, truncatedNormal } from '@dlts/layers';
 * dense({ units: 64, kernelInitializer: truncatedNormal({ stddev: 0.02 }) }); // values within [-0.04, 0.04]
 * ```
 */
export function truncatedNormal(options: { mean?: number; stddev?: number; seed?: number } = {}): Initializer {
  const mean = options.mean ?? 0;
  const stddev = options.stddev ?? 0.05;
  return {
    className: 'TruncatedNormal',
    apply: (shape, dtype = 'float32') => tf.truncatedNormal(shape, mean, stddev, dtype as 'float32', options.seed ?? nextSeed()),
    getConfig: () => ({ mean, stddev, seed: options.seed ?? null }),
  };
}
/**
 * Orthogonal matrix (QR of a normal matrix), scaled by `gain`.
 *
 * @example
 * ```ts
 * import { dense, orthogonal } from '@dlts/layers';
 * dense({ units: 64, kernelInitializer: orthogonal({ gain: 1 }) });
 * const q = orthogonal({ seed: 1 }).apply([64, 64]); // q^T q = identity, up to rounding
 * ```
 */
export function orthogonal(options: { gain?: number; seed?: number } = {}): Initializer {
  const gain = options.gain ?? 1;
  return {
    className: 'Orthogonal',
    apply(shape, dtype = 'float32') {
      return tf.tidy(() => {
        const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
        const cols = shape[shape.length - 1];
        const big = Math.max(rows, cols);
        const small = Math.min(rows, cols);
        const a = tf.randomNormal([big, small], 0, 1, 'float32', options.seed ?? nextSeed());
        const [q, r] = tf.linalg.qr(a);
        const d = tf.sign(tf.sum(tf.linalg.bandPart(r, 0, 0), 0));
        let m: tf.Tensor = tf.mul(q, d);
        if (rows < cols) m = tf.transpose(m);
        return tf.cast(tf.reshape(tf.mul(m, gain), shape), dtype);
      });
    },
    getConfig: () => ({ gain, seed: options.seed ?? null }),
  };
}
/**
 * Identity matrix (2-D shapes only), scaled by `gain`.
 *
 * @example
 * ```ts
 * import { identity } from '@dlts/layers';
 * identity({ gain: 2 }).apply([2, 3]).print(); // [[2, 0, 0], [0, 2, 0]]
 * identity().apply([2, 2, 2]); // throws DltsError DLTS_VALUE: only 2-D shapes
 * ```
 */
export function identity(options: { gain?: number } = {}): Initializer {
  const gain = options.gain ?? 1;
  return {
    className: 'Identity',
    apply(shape, dtype = 'float32') {
      if (shape.length !== 2) {
        throw new DltsError('DLTS_VALUE', `identity: only 2-D shapes are supported. Received: shape=${received(shape)}`);
      }
      return tf.tidy(() => tf.cast(tf.mul(tf.eye(shape[0], shape[1]), gain), dtype));
    },
    getConfig: () => ({ gain }),
  };
}

const BY_NAME: Record<string, (config: Record<string, any>) => Initializer> = {
  glorot_uniform: (c) => glorotUniform(c),
  glorot_normal: (c) => glorotNormal(c),
  he_normal: (c) => heNormal(c),
  he_uniform: (c) => heUniform(c),
  lecun_normal: (c) => lecunNormal(c),
  lecun_uniform: (c) => lecunUniform(c),
  zeros: () => zeros(),
  ones: () => ones(),
  constant: (c) => constant(c),
  random_normal: (c) => randomNormal(c),
  random_uniform: (c) => randomUniform(c),
  truncated_normal: (c) => truncatedNormal(c),
  variance_scaling: (c) => varianceScaling(c),
  orthogonal: (c) => orthogonal(c),
  identity: (c) => identity(c),
};

/** Accepted wherever a layer takes an initializer: an object, a Keras name, or a serialized config. */
export type InitializerIdentifier = Initializer | string | { className: string; config?: Record<string, unknown> };

/**
 * Resolves an initializer: `'glorot_uniform'`, `'glorotUniform'`, `'GlorotUniform'`,
 * `{className: 'VarianceScaling', config: {...}}`, or an {@link Initializer}.
 *
 * @example
 * ```ts
 * import { getInitializer } from '@dlts/layers';
 * getInitializer('he_normal').className; // 'HeNormal'
 * getInitializer('glorotUniform').className; // 'GlorotUniform'
 * getInitializer({ className: 'RandomUniform', config: { minval: -0.1, maxval: 0.1 } }).getConfig();
 * // { minval: -0.1, maxval: 0.1, seed: null }
 * ```
 */
export function getInitializer(identifier: InitializerIdentifier): Initializer {
  if (typeof identifier === 'object' && 'apply' in identifier) return identifier;
  const name = typeof identifier === 'string' ? identifier : identifier.className;
  const config = typeof identifier === 'string' ? {} : (identifier.config ?? {});
  const key = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^zero$/, 'zeros')
    .replace(/^one$/, 'ones');
  const make = BY_NAME[key];
  if (!make) {
    throw new DltsError(
      'DLTS_VALUE',
      `getInitializer: unknown initializer (known: ${Object.keys(BY_NAME).join(', ')}). Received: ${received(identifier)}`,
    );
  }
  return make(config);
}

/** Serializes an initializer as Keras does: `{class_name, config}`. */
export function serializeInitializer(init: Initializer): { class_name: string; config: Record<string, unknown> } {
  return { class_name: init.className, config: init.getConfig() };
}
