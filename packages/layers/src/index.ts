/**
 * @packageDocumentation
 * `@dlts/layers`: a Keras-style deep-learning engine on TensorFlow.js core: layers, sequential
 * and functional models, `compile`/`fit`/`evaluate`/`predict`, losses, metrics, optimizers,
 * callbacks, the Keras summary table, freezing, and saving.
 *
 * @example
 * ```ts
 * import { sequential, dense } from '@dlts/layers';
 * const network = sequential([
 *   dense({ units: 512, activation: 'relu', inputShape: [784] }),
 *   dense({ units: 10, activation: 'softmax' }),
 * ]);
 * network.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
 * ```
 */

// Engine
export { Layer, Node } from './engine/layer';
export type { LayerArgs, CallOptions, Tensors, SymbolicTensors, AddWeightOptions } from './engine/layer';
export { LayerWeight } from './engine/weight';
export { SymbolicTensor, isSymbolic } from './engine/symbolic';
export { InputLayer, input } from './engine/input_layer';
export type { InputArgs } from './engine/input_layer';
export { clearSession, toSnakeCase } from './engine/naming';
export { formatShape } from './engine/shape';
export type { Shape } from './engine/shape';

// Models
export { Model, model } from './models/model';
export type { ModelArgs } from './models/model';
export { Sequential, sequential } from './models/sequential';
export type { SequentialArgs } from './models/sequential';
export { freezeWeights, unfreezeWeights } from './models/freeze';
export type { FreezeRange, LayerRef } from './models/freeze';
export type { SummaryOptions } from './models/summary';

// Layers
export { Dense, dense } from './layers/dense';
export type { DenseArgs } from './layers/dense';
export { Conv2D, conv2d } from './layers/conv2d';
export type { Conv2DArgs } from './layers/conv2d';
export { MaxPooling2D, maxPooling2d, AveragePooling2D, averagePooling2d } from './layers/pooling2d';
export type { Pooling2DArgs } from './layers/pooling2d';
export { GlobalAveragePooling2D, globalAveragePooling2d, GlobalMaxPooling2D, globalMaxPooling2d } from './layers/global_pooling2d';
export type { GlobalPooling2DArgs } from './layers/global_pooling2d';
export { Flatten, flatten } from './layers/flatten';
export { Dropout, dropout } from './layers/dropout';
export type { DropoutArgs } from './layers/dropout';
export { Activation, activation } from './layers/activation';
export type { ActivationArgs } from './layers/activation';
export { Reshape, reshape } from './layers/reshape';
export type { ReshapeArgs } from './layers/reshape';
export { BatchNormalization, batchNormalization } from './layers/batch_normalization';
export type { BatchNormalizationArgs } from './layers/batch_normalization';
export { Embedding, embedding } from './layers/embedding';
export type { EmbeddingArgs } from './layers/embedding';
export {
  Rescaling,
  rescaling,
  RandomFlip,
  randomFlip,
  RandomRotation,
  randomRotation,
  RandomZoom,
  randomZoom,
  RandomTranslation,
  randomTranslation,
  RandomContrast,
  randomContrast,
} from './layers/preprocessing/index';
export type {
  RescalingArgs,
  RandomFlipArgs,
  FlipMode,
  RandomRotationArgs,
  RandomZoomArgs,
  RandomTranslationArgs,
  RandomContrastArgs,
  RandomLayerArgs,
  FillMode,
} from './layers/preprocessing/index';

// Building blocks
export { getActivation, ACTIVATION_NAMES } from './activations';
export type { ActivationFn } from './activations';
export {
  getInitializer,
  glorotUniform,
  glorotNormal,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  zeros,
  ones,
  constant,
  randomNormal,
  randomUniform,
  truncatedNormal,
  varianceScaling,
  orthogonal,
  identity,
  computeFans,
} from './initializers';
export type { Initializer, InitializerIdentifier, VarianceScalingOptions } from './initializers';
export { l1, l2, l1l2, getRegularizer } from './regularizers';
export type { Regularizer, RegularizerIdentifier } from './regularizers';
export * as losses from './losses/index';
export { getLoss } from './losses/index';
export type { Loss, LossFn } from './losses/index';
export * as metrics from './metrics/index';
export { getMetric } from './metrics/index';
export type { Metric } from './metrics/index';
export * as optimizers from './optimizers/index';
export { getOptimizer, Optimizer, sgd, rmsprop, adam, adagrad, adadelta, adamax, nadam, ftrl } from './optimizers/index';
export * from './callbacks/index';

// Training
export type { CompileArgs, CompiledState, MetricIdentifier, OptimizerIdentifier } from './training/compile';
export type { FitArgs, FitData, ValidationData } from './training/fit';
export type { EvaluateArgs } from './training/evaluate';
export type { PredictArgs } from './training/predict';
export type { DataInput, BatchSource } from './training/data';

// Saving
export { loadModel } from './saving/load';
export type { LoadModelOptions } from './saving/load';
export type { SaveOptions } from './saving/save';
export { fromConfig } from './saving/deserialize';
export type { SerializedLayer } from './saving/deserialize';
export { registerLayer, registeredLayers } from './saving/registry';

// Keras HDF5 and .keras interop
export { loadWeightsHdf5, saveWeightsHdf5 } from './saving/hdf5_weights';
export type { LoadWeightsHdf5Options } from './saving/hdf5_weights';
export { loadModelHdf5, saveModelHdf5 } from './saving/hdf5_model';
export type { LoadModelHdf5Options, SaveModelHdf5Options } from './saving/hdf5_model';
export { loadKerasModel } from './saving/keras_model';
export type { LoadKerasModelOptions } from './saving/keras_model';
