import { conv2d, dense, dropout, flatten, maxPooling2d, rmsprop, sequential, type Layer, type Sequential } from '@dlts/layers';

/**
 * The course's layer names. R builds `keras_model_sequential() %>% layer_a() %>% layer_b()` from
 * the outside in, so Keras numbered the layers last-first; the app passes the course's names to
 * print its tables exactly (and so the saved models carry the names the course's later sections use).
 */
const NAMES = {
  scratch: ['conv2d_3', 'max_pooling2d_3', 'conv2d_2', 'max_pooling2d_2', 'conv2d_1', 'max_pooling2d_1', 'conv2d', 'max_pooling2d', 'flatten', 'dense_1', 'dense'],
  dropout: ['conv2d_7', 'max_pooling2d_7', 'conv2d_6', 'max_pooling2d_6', 'conv2d_5', 'max_pooling2d_5', 'conv2d_4', 'max_pooling2d_4', 'flatten_2', 'dropout_3', 'dense_11', 'dense_10'],
};

/**
 * The 150 x 150 convnet of the course (3,453,121 parameters), optionally with dropout 0.5 before
 * the dense classifier, compiled as the course does: binary cross-entropy, rmsprop with learning
 * rate 1e-4, metric "acc".
 */
export function catsDogsModel(withDropout: boolean): Sequential {
  const n = withDropout ? NAMES.dropout : NAMES.scratch;
  const layers: Layer[] = [
    conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [150, 150, 3], name: n[0] }),
    maxPooling2d({ poolSize: [2, 2], name: n[1] }),
    conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu', name: n[2] }),
    maxPooling2d({ poolSize: [2, 2], name: n[3] }),
    conv2d({ filters: 128, kernelSize: [3, 3], activation: 'relu', name: n[4] }),
    maxPooling2d({ poolSize: [2, 2], name: n[5] }),
    conv2d({ filters: 128, kernelSize: [3, 3], activation: 'relu', name: n[6] }),
    maxPooling2d({ poolSize: [2, 2], name: n[7] }),
    flatten({ name: n[8] }),
  ];
  if (withDropout) layers.push(dropout({ rate: 0.5, name: n[9] }));
  layers.push(dense({ units: 512, activation: 'relu', name: n[withDropout ? 10 : 9] }));
  layers.push(dense({ units: 1, activation: 'sigmoid', name: n[withDropout ? 11 : 10] }));
  const model = sequential(layers, { name: withDropout ? 'sequential_5' : 'sequential' });
  model.compile({ loss: 'binary_crossentropy', optimizer: rmsprop({ learningRate: 1e-4 }), metrics: ['acc'] });
  return model;
}
