/**
 * The benchmark models, built with @dlts/layers: the chapter-2 dense network, the chapter-4
 * MNIST convnet and the VGG16 convolutional base (random weights: only speed is measured).
 */
import { conv2d, dense, flatten, maxPooling2d, sequential, type Sequential } from '@dlts/layers';

export type ModelName = 'dense' | 'convnet';

/** The chapter-2 network (784-512-10) or the chapter-4 convnet, compiled as the course does. */
export function buildModel(name: ModelName): Sequential {
  const m =
    name === 'dense'
      ? sequential([dense({ units: 512, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })])
      : sequential([
          conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [28, 28, 1] }),
          maxPooling2d({ poolSize: [2, 2] }),
          conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }),
          maxPooling2d({ poolSize: [2, 2] }),
          conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }),
          flatten(),
          dense({ units: 64, activation: 'relu' }),
          dense({ units: 10, activation: 'softmax' }),
        ]);
  m.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

/** The VGG16 convolutional base (Keras's `include_top = FALSE`) for `size` x `size` RGB images. */
export function buildVgg16Base(size: number): Sequential {
  const layers = [];
  const blocks: [number, number][] = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ];
  let first = true;
  for (const [filters, convs] of blocks) {
    for (let i = 0; i < convs; i++) {
      layers.push(
        conv2d({ filters, kernelSize: [3, 3], padding: 'same', activation: 'relu', ...(first ? { inputShape: [size, size, 3] } : {}) }),
      );
      first = false;
    }
    layers.push(maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
  }
  return sequential(layers);
}
