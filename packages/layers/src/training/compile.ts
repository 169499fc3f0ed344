import { DltsError, received } from '@dlts/tensors';
import type { LayerWeight } from '../engine/weight';
import { getLoss, type Loss, type LossFn } from '../losses/index';
import { getMetric, type Metric } from '../metrics/index';
import { getOptimizer, type Optimizer } from '../optimizers/index';
import type { Model } from '../models/model';

/** A loss as `compile` accepts it: a Keras name in either spelling, a loss object, or a function. */
export type LossIdentifier = string | Loss | LossFn | { className: string; config?: Record<string, unknown> };
/** A metric as `compile` accepts it. */
export type MetricIdentifier = string | Metric | ((yTrue: import('@tensorflow/tfjs-core').Tensor, yPred: import('@tensorflow/tfjs-core').Tensor) => import('@tensorflow/tfjs-core').Tensor);
/** An optimizer as `compile` accepts it. */
export type OptimizerIdentifier = string | Optimizer | { className: string; config?: Record<string, unknown> };

/** Arguments of `model.compile`. */
export interface CompileArgs {
  /** `'rmsprop'`, `rmsprop({learningRate: 1e-4})`, ... */
  optimizer: OptimizerIdentifier;
  /** One loss, or one per output (array in output order, or a map by output name). */
  loss: LossIdentifier | LossIdentifier[] | Record<string, LossIdentifier>;
  /** Metrics for every output, or per output (array of arrays, or a map by output name). */
  metrics?: MetricIdentifier[] | MetricIdentifier[][] | Record<string, MetricIdentifier[]>;
  /** Weights of the per-output losses in the total loss. Default 1 each. */
  lossWeights?: number[] | Record<string, number>;
}

/** What `compile` prepared for training. */
export interface CompiledState {
  readonly optimizer: Optimizer;
  /** One loss per output. */
  readonly losses: Loss[];
  readonly lossWeights: number[];
  /** Metrics per output. */
  readonly metrics: Metric[][];
  /** History/log name of each metric, per output (`accuracy`, or `dense_1_accuracy` with several outputs). */
  readonly metricNames: string[][];
  /** The trainable weights when `compile` ran (Keras only sees trainability changes at compile). */
  trainableWeights: LayerWeight[];
  readonly args: CompileArgs;
  dispose(): void;
}

/** Sets up the optimizer, losses and metrics of `model` (the work of `model.compile`). */
export function compileModel(model: Model, args: CompileArgs): CompiledState {
  if (!args || typeof args !== 'object') {
    throw new DltsError('DLTS_VALUE', `compile: expected {optimizer, loss, metrics}. Received: ${received(args)}`);
  }
  if (args.loss === undefined || args.loss === null) {
    throw new DltsError('DLTS_VALUE', `compile: a loss is required. Received: loss=${received(args.loss)}`);
  }
  const outputNames = model.built ? model.outputNames : ['output'];
  const n = outputNames.length;
  const losses = perOutput(args.loss, outputNames, 'loss', (x): x is LossIdentifier => !Array.isArray(x) && !isPlainMap(x, outputNames)).map((l) =>
    getLoss(l as Parameters<typeof getLoss>[0]),
  );
  const lossWeights = args.lossWeights === undefined ? new Array(n).fill(1) : perOutput(args.lossWeights, outputNames, 'lossWeights', (x): x is number => typeof x === 'number');
  const metricLists = metricsPerOutput(args.metrics, outputNames);
  const metrics = metricLists.map((list, i) =>
    list.map((m) =>
      getMetric(m as Parameters<typeof getMetric>[0], {
        loss: losses[i],
        yPredShape: model.built ? model.outputs[i].shape : undefined,
      }),
    ),
  );
  const metricNames = metrics.map((list, i) => list.map((m) => (n > 1 ? `${outputNames[i]}_${m.name}` : m.name)));
  const optimizer = getOptimizer(args.optimizer as Parameters<typeof getOptimizer>[0]);
  const trainableWeights = model.built ? model.trainableWeights : [];
  // Create the optimizer's slots now (as Keras builds the optimizer before training), so that
  // fit neither allocates nor appears to leak them.
  optimizer.build(trainableWeights.map((w) => w.variable));
  return {
    optimizer,
    losses,
    lossWeights,
    metrics,
    metricNames,
    trainableWeights,
    args,
    dispose() {
      for (const list of metrics) for (const m of list) m.dispose();
      optimizer.dispose();
    },
  };
}

function isPlainMap(x: unknown, names: string[]): boolean {
  return (
    typeof x === 'object' &&
    x !== null &&
    !Array.isArray(x) &&
    !('call' in x) &&
    !('className' in x) &&
    Object.keys(x).length > 0 &&
    Object.keys(x).every((k) => names.includes(k))
  );
}

function perOutput<T>(value: unknown, names: string[], what: string, isSingle: (x: unknown) => x is T): T[] {
  if (isSingle(value)) return names.map(() => value);
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new DltsError('DLTS_VALUE', `compile: ${what} has ${value.length} entries but the model has ${names.length} output(s) (${names.join(', ')}). Received: ${what}=${received(value)}`);
    }
    return value as T[];
  }
  if (typeof value === 'object' && value !== null) {
    const map = value as Record<string, T>;
    for (const key of Object.keys(map)) {
      if (!names.includes(key)) {
        throw new DltsError('DLTS_VALUE', `compile: unknown output "${key}" in ${what}; outputs are ${names.join(', ')}. Received: ${what}=${received(value)}`);
      }
    }
    return names.map((name) => {
      if (!(name in map)) throw new DltsError('DLTS_VALUE', `compile: ${what} has no entry for output "${name}". Received: ${what}=${received(value)}`);
      return map[name];
    });
  }
  throw new DltsError('DLTS_VALUE', `compile: invalid ${what}. Received: ${what}=${received(value)}`);
}

function metricsPerOutput(metrics: CompileArgs['metrics'], names: string[]): MetricIdentifier[][] {
  if (metrics === undefined || metrics === null) return names.map(() => []);
  if (typeof metrics === 'string') return names.map(() => [metrics]);
  if (Array.isArray(metrics)) {
    if (metrics.length > 0 && metrics.every((m) => Array.isArray(m))) {
      if (metrics.length !== names.length) {
        throw new DltsError('DLTS_VALUE', `compile: metrics has ${metrics.length} lists but the model has ${names.length} output(s). Received: metrics=${received(metrics)}`);
      }
      return metrics as MetricIdentifier[][];
    }
    return names.map(() => metrics as MetricIdentifier[]);
  }
  if (typeof metrics === 'object') {
    const map = metrics as Record<string, MetricIdentifier[] | MetricIdentifier>;
    for (const key of Object.keys(map)) {
      if (!names.includes(key)) throw new DltsError('DLTS_VALUE', `compile: unknown output "${key}" in metrics; outputs are ${names.join(', ')}`);
    }
    return names.map((name) => {
      const v = map[name];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    });
  }
  throw new DltsError('DLTS_VALUE', `compile: invalid metrics. Received: metrics=${received(metrics)}`);
}
