import * as tf from '@tensorflow/tfjs-core';
import { DltsError, check, received } from '@dlts/tensors';
import { checkKnownOptions, checkNumber, checkString } from '../losses/validate';

/** Options every optimizer accepts (Keras's base optimizer arguments). */
export interface OptimizerOptions {
  /** The step size. Default: the optimizer's Keras default. */
  learningRate?: number;
  /** Alias of `learningRate` (the old Keras / R keras name `lr`). */
  lr?: number;
  /** Clip each gradient so that its L2 norm is at most this. */
  clipnorm?: number;
  /** Clip each gradient element to `[-clipvalue, clipvalue]`. */
  clipvalue?: number;
  /** Clip all gradients together so that their global L2 norm is at most this. */
  globalClipnorm?: number;
  /** The optimizer's name. Default: the snake_case class name (`'rmsprop'`, `'adam'`, ...). */
  name?: string;
}

/** One variable and its gradient, as `applyGradients` takes them. */
export interface GradientPair {
  /** The variable to update. */
  variable: tf.Variable;
  /** Its gradient (same shape). `null`/`undefined` gradients are skipped, as Keras does. */
  gradient: tf.Tensor | null | undefined;
}

/** A variable, its (clipped) gradient and its slot variables, for `applyStep`. */
export interface StepItem {
  variable: tf.Variable;
  gradient: tf.Tensor;
  /** The slots of `variable`, in the optimizer's slot-name order (see `slotNames`). */
  slots: tf.Variable[];
}

/** The option keys of the base optimizer, for option checking. @internal */
export const BASE_OPTION_KEYS = ['learningRate', 'lr', 'clipnorm', 'clipvalue', 'globalClipnorm', 'name'] as const;

/**
 * Returns `options` (or `{}`) after checking that it has no keys but the base ones and `own`
 * (Keras: "Argument(s) not recognized"). @internal
 */
export function knownOptions<T extends object>(fnName: string, options: T | undefined, own: readonly string[]): T {
  checkKnownOptions(fnName, options, [...BASE_OPTION_KEYS, ...own]);
  return options ?? ({} as T);
}

/**
 * The base of dlts's optimizers: Keras's `BaseOptimizer` on tfjs variables.
 *
 * `applyGradients` runs one step inside a single `tf.tidy`: it clips the gradients (Keras's
 * `clipnorm`, `clipvalue` or `global_clipnorm`), creates slot variables for variables it has not
 * seen (keyed by `variable.id`), applies the optimizer's Keras update formula and increments
 * `iterations`. Nothing is read back to JavaScript and nothing leaks; constant hyper-parameters are
 * uploaded once and reused; `learningRate` is read at every step, so callbacks may change it
 * between steps.
 *
 * **Weights order** (`getWeights`/`setWeights`): `[iterations, ...slots, ...extra]`, where the
 * slots follow Keras's variable order: for each slot group of the optimizer (e.g. Adam:
 * `[momentum, velocity]`, then `[velocity_hat]` with amsgrad; RMSprop: `[velocity]`, then
 * `[momentum]`, then `[average_gradient]`), for each model variable in order of first use, each
 * slot of the group. `extra` is optimizer state not tied to a variable (Nadam's `u_product`).
 * This is Keras's `optimizer.variables` order without its `learning_rate` variable.
 *
 * @example
 * ```ts
 * const opt = rmsprop({ learningRate: 1e-3 });
 * const { grads } = tf.variableGrads(() => lossOf(model));
 * opt.applyGradients(weights.map((v) => ({ variable: v, gradient: grads[v.name] })));
 * tf.dispose(grads);
 * ```
 */
export abstract class Optimizer {
  /** The Keras class name: `'RMSprop'`, `'SGD'`, `'Adam'`, ... */
  readonly className: string;
  /** The optimizer's name (Keras `name`). */
  name: string;
  /** The learning rate, read at every step: set it between steps to change it. */
  learningRate: number;
  /** The number of steps applied so far. */
  iterations = 0;
  /** Per-gradient L2-norm clipping, if set. */
  clipnorm?: number;
  /** Elementwise value clipping, if set. */
  clipvalue?: number;
  /** Global L2-norm clipping, if set. */
  globalClipnorm?: number;

  /** The factory name used in error messages (`'rmsprop'`). */
  protected readonly fnName: string;
  private readonly slotGroups: readonly (readonly string[])[];
  private readonly slotNameList: string[];
  private readonly tracked: tf.Variable[] = [];
  private readonly slots = new Map<number, tf.Variable[]>();
  private pending: { tensors: tf.Tensor[]; numVariables: number } | null = null;
  private disposed = false;

  /**
   * @param className - the Keras class name.
   * @param fnName - the factory name, for messages and the default `name`.
   * @param options - the validated options.
   * @param defaultLearningRate - Keras's default learning rate for this optimizer.
   * @param slotGroups - the slot names, grouped as Keras creates them (see the class docs).
   */
  protected constructor(
    className: string,
    fnName: string,
    options: OptimizerOptions,
    defaultLearningRate: number,
    slotGroups: readonly (readonly string[])[],
  ) {
    this.className = className;
    this.fnName = fnName;
    if (options.lr !== undefined && options.learningRate !== undefined && options.lr !== options.learningRate) {
      throw new DltsError(
        'DLTS_VALUE',
        `${fnName}: pass only one of learning_rate and its alias lr. Received: learningRate=${received(options.learningRate)}, lr=${received(options.lr)}`,
      );
    }
    const lr = options.learningRate ?? options.lr ?? defaultLearningRate;
    this.learningRate = checkNumber(fnName, 'learning_rate', options.learningRate !== undefined || options.lr === undefined ? 'learningRate' : 'lr', lr, {
      min: 0,
    });
    this.name = options.name === undefined ? fnName : checkString(fnName, 'name', 'name', options.name);
    const clips = { clipnorm: options.clipnorm, clipvalue: options.clipvalue, globalClipnorm: options.globalClipnorm };
    const set = Object.entries(clips).filter(([, v]) => v !== undefined && v !== null);
    if (set.length > 1) {
      throw new DltsError(
        'DLTS_VALUE',
        `${fnName}: only one of clipnorm, clipvalue and global_clipnorm can be set. Received: clipnorm=${received(options.clipnorm)}, clipvalue=${received(options.clipvalue)}, globalClipnorm=${received(options.globalClipnorm)}`,
      );
    }
    if (options.clipnorm !== undefined && options.clipnorm !== null) {
      this.clipnorm = checkNumber(fnName, 'clipnorm', 'clipnorm', options.clipnorm, { min: 0, minExclusive: true });
    }
    if (options.clipvalue !== undefined && options.clipvalue !== null) {
      this.clipvalue = checkNumber(fnName, 'clipvalue', 'clipvalue', options.clipvalue, { min: 0, minExclusive: true });
    }
    if (options.globalClipnorm !== undefined && options.globalClipnorm !== null) {
      this.globalClipnorm = checkNumber(fnName, 'global_clipnorm', 'globalClipnorm', options.globalClipnorm, {
        min: 0,
        minExclusive: true,
      });
    }
    this.slotGroups = slotGroups.map((g) => [...g]);
    this.slotNameList = this.slotGroups.flat();
  }

  /** The slot names of each variable, in the order `StepItem.slots` holds them. */
  get slotNames(): readonly string[] {
    return this.slotNameList;
  }

  /**
   * Applies one step of the optimizer to `pairs` (Keras's `apply_gradients`). Slot variables are
   * created on first use; an empty list (or only empty gradients) is a no-op that does not count
   * as a step.
   *
   * @param pairs - the variables and their gradients.
   * @throws DltsError `DLTS_SHAPE_MISMATCH` when a gradient's shape differs from its variable's.
   */
  applyGradients(pairs: GradientPair[]): void {
    this.checkAlive();
    const present = pairs.filter((p) => p.gradient !== null && p.gradient !== undefined) as {
      variable: tf.Variable;
      gradient: tf.Tensor;
    }[];
    if (present.length === 0) return;
    for (const { variable, gradient } of present) {
      const same = gradient.rank === variable.rank && gradient.shape.every((d, i) => d === variable.shape[i]);
      if (!same) {
        throw new DltsError(
          'DLTS_SHAPE_MISMATCH',
          `${this.fnName}: a gradient must have the shape of its variable. Received: gradient.shape=${JSON.stringify(gradient.shape)}, variable.shape=${JSON.stringify(variable.shape)} (variable ${variable.name})`,
        );
      }
    }
    const lr = this.learningRate;
    check(typeof lr === 'number' && Number.isFinite(lr) && lr >= 0, this.fnName, 'learning_rate must be a number >= 0', 'learningRate', lr);
    this.build(present.map((p) => p.variable));
    tf.tidy(() => {
      const grads = this.clipGradients(present.map((p) => (p.gradient.dtype === 'float32' ? p.gradient : tf.cast(p.gradient, 'float32'))));
      const items: StepItem[] = present.map((p, i) => ({
        variable: p.variable,
        gradient: grads[i],
        slots: this.slots.get(p.variable.id) as tf.Variable[],
      }));
      this.applyStep(items, this.learningRateScalar(), lr, this.iterations + 1);
    });
    this.iterations += 1;
  }

  /**
   * Creates the slot variables of `variables` not seen before (Keras's `build`), in this order.
   * Optional: `applyGradients` builds lazily; call it to restore saved weights with `setWeights`
   * before the first step.
   *
   * @param variables - model variables, in the order their slots should be saved.
   */
  build(variables: tf.Variable[]): void {
    this.checkAlive();
    const fresh = variables.filter((v, i) => !this.slots.has(v.id) && variables.findIndex((w) => w.id === v.id) === i);
    if (fresh.length === 0) return;
    const restoring = this.pending !== null && this.tracked.length === 0 ? this.pending : null;
    if (restoring && restoring.numVariables !== fresh.length) {
      throw new DltsError(
        'DLTS_VALUE',
        `${this.fnName}: the weights given to setWeights hold slots for ${restoring.numVariables} variable(s), but the first step uses ${fresh.length}. Received: variables=${fresh.length}`,
      );
    }
    const first = this.tracked.length;
    for (const v of fresh) {
      this.tracked.push(v);
      this.slots.set(
        v.id,
        this.slotNameList.map((name) => {
          const init = this.slotInitialValue(name);
          return tf.tidy(() => tf.variable(tf.fill(v.shape, init, 'float32'), false));
        }),
      );
    }
    if (restoring) {
      this.pending = null;
      try {
        this.assignSlots(restoring.tensors, first);
      } finally {
        tf.dispose(restoring.tensors);
      }
    }
  }

  /**
   * The optimizer state: `[iterations (int32 scalar), ...slots, ...extra]` in the order described
   * in the class docs. New tensors: the caller disposes them.
   */
  getWeights(): tf.Tensor[] {
    this.checkAlive();
    const out: tf.Tensor[] = [tf.scalar(this.iterations, 'int32')];
    for (const v of this.orderedSlots()) out.push(tf.clone(v));
    for (const x of this.getExtraState()) out.push(tf.scalar(x));
    return out;
  }

  /**
   * Restores a state saved by `getWeights` (same optimizer kind and settings). The slots are
   * matched to the variables in order of first use. Before any step (or `build`), the values are
   * kept and applied when the first step creates the slots; that step must use as many variables
   * as were saved. The tensors are copied, not kept.
   *
   * @param weights - `[iterations, ...slots, ...extra]`.
   * @throws DltsError `DLTS_VALUE` for a wrong count, `DLTS_SHAPE_MISMATCH` for a wrong shape.
   */
  setWeights(weights: tf.Tensor[]): void {
    this.checkAlive();
    const extra = this.getExtraState().length;
    const perVariable = this.slotNameList.length;
    const slotCount = weights.length - 1 - extra;
    const numVariables = perVariable === 0 ? this.tracked.length : slotCount / perVariable;
    const countOk =
      weights.length >= 1 + extra &&
      (perVariable === 0 ? slotCount === 0 : Number.isInteger(numVariables)) &&
      (this.tracked.length === 0 || numVariables === this.tracked.length);
    if (!countOk) {
      const expected = this.tracked.length > 0 ? `${1 + extra + perVariable * this.tracked.length}` : `1 + ${extra} + ${perVariable} per variable`;
      throw new DltsError(
        'DLTS_VALUE',
        `${this.fnName}: setWeights expects ${expected} tensors ([iterations, ...slots${extra ? ', ...extra' : ''}]). Received: weights.length=${weights.length}`,
      );
    }
    const iterations = weights[0].dataSync()[0];
    check(Number.isInteger(iterations) && iterations >= 0, this.fnName, 'iterations must be an integer >= 0', 'weights[0]', iterations);
    const slotTensors = weights.slice(1, 1 + slotCount);
    const extraValues = weights.slice(1 + slotCount).map((t) => t.dataSync()[0]);
    if (this.tracked.length > 0) {
      this.assignSlots(slotTensors, 0);
    } else if (slotCount > 0) {
      if (this.pending) tf.dispose(this.pending.tensors);
      this.pending = { tensors: slotTensors.map((t) => tf.clone(t)), numVariables };
    }
    this.iterations = iterations;
    this.setExtraState(extraValues);
  }

  /** Keras's config: `name`, `learning_rate`, the clipping keys, Keras's other base keys, and the optimizer's own. */
  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      learning_rate: this.learningRate,
      weight_decay: null,
      clipnorm: this.clipnorm ?? null,
      global_clipnorm: this.globalClipnorm ?? null,
      clipvalue: this.clipvalue ?? null,
      use_ema: false,
      ema_momentum: 0.99,
      ema_overwrite_frequency: null,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
      ...this.ownConfig(),
    };
  }

  /** Frees the slot variables and cached constants. The optimizer cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const list of this.slots.values()) for (const v of list) v.dispose();
    this.slots.clear();
    this.tracked.length = 0;
    if (this.pending) tf.dispose(this.pending.tensors);
    this.pending = null;
  }

  /**
   * One step of the optimizer's Keras formula over all items (inside `tf.tidy`).
   * @param items - the variables, clipped gradients and slots.
   * @param lr - the learning rate as a scalar tensor.
   * @param lrValue - the learning rate as a number.
   * @param step - the 1-based step number (`iterations + 1`, Keras's `local_step`).
   */
  protected abstract applyStep(items: StepItem[], lr: tf.Scalar, lrValue: number, step: number): void;

  /** The optimizer's own Keras config keys. */
  protected abstract ownConfig(): Record<string, unknown>;

  /** The initial value of a slot (Keras: zeros unless the optimizer says otherwise). */
  protected slotInitialValue(_slot: string): number {
    return 0;
  }

  /** State not tied to a variable (saved after the slots). */
  protected getExtraState(): number[] {
    return [];
  }

  /** Restores `getExtraState`. */
  protected setExtraState(_values: number[]): void {}

  /**
   * A scalar for a hyper-parameter, made inside the step's `tf.tidy` and freed with it. (Caching
   * them across steps would save a few tiny uploads but leave tensors alive between `fit` calls.)
   */
  protected constant(value: number): tf.Scalar {
    return tf.scalar(value);
  }

  private learningRateScalar(): tf.Scalar {
    return tf.scalar(this.learningRate);
  }

  /** Keras's `_clip_gradients`. */
  private clipGradients(grads: tf.Tensor[]): tf.Tensor[] {
    if (this.clipnorm !== undefined && this.clipnorm > 0) {
      const clip = this.constant(this.clipnorm);
      return grads.map((g) => tf.div(tf.mul(g, clip), tf.maximum(tf.sqrt(tf.sum(tf.square(g))), clip)));
    }
    if (this.globalClipnorm !== undefined && this.globalClipnorm > 0) {
      const clip = this.globalClipnorm;
      const squares = grads.map((g) => tf.sum(tf.square(g)));
      const norm = tf.sqrt(squares.length === 1 ? squares[0] : tf.addN(squares));
      // Keras clip_by_global_norm: a no-op scale of 1 below the limit, NaN for a non-finite norm.
      const scale = tf.add(tf.mul(clip, tf.minimum(tf.div(1, norm), 1 / clip)), tf.sub(norm, norm));
      return grads.map((g) => tf.mul(g, scale));
    }
    if (this.clipvalue !== undefined && this.clipvalue > 0) {
      const v = this.clipvalue;
      return grads.map((g) => tf.clipByValue(g, -v, v));
    }
    return grads;
  }

  /** All slots in the saved order (group, then variable, then slot of the group). */
  private orderedSlots(): tf.Variable[] {
    const out: tf.Variable[] = [];
    let offset = 0;
    for (const group of this.slotGroups) {
      for (const v of this.tracked) {
        const slots = this.slots.get(v.id) as tf.Variable[];
        for (let j = 0; j < group.length; j++) out.push(slots[offset + j]);
      }
      offset += group.length;
    }
    return out;
  }

  /** Assigns saved slot values (in the saved order) to the slots of the variables from index `firstVariable`. */
  private assignSlots(values: tf.Tensor[], firstVariable: number): void {
    const variables = this.tracked.slice(firstVariable);
    const targets: tf.Variable[] = [];
    let offset = 0;
    for (const group of this.slotGroups) {
      for (const v of variables) {
        const slots = this.slots.get(v.id) as tf.Variable[];
        for (let j = 0; j < group.length; j++) targets.push(slots[offset + j]);
      }
      offset += group.length;
    }
    targets.forEach((target, i) => {
      const value = values[i];
      const same = value.rank === target.rank && value.shape.every((d, k) => d === target.shape[k]);
      if (!same) {
        throw new DltsError(
          'DLTS_SHAPE_MISMATCH',
          `${this.fnName}: optimizer weight ${i + 1} has shape ${JSON.stringify(target.shape)}, not compatible with the provided weight shape ${JSON.stringify(value.shape)}. Received: weights[${i + 1}].shape=${JSON.stringify(value.shape)}`,
        );
      }
    });
    tf.tidy(() => targets.forEach((target, i) => target.assign(values[i].dtype === 'float32' ? tf.clone(values[i]) : tf.cast(values[i], 'float32'))));
  }

  private checkAlive(): void {
    if (this.disposed) {
      throw new DltsError('DLTS_VALUE', `${this.fnName}: the optimizer was used after dispose(). Received: disposed=true`);
    }
  }
}
