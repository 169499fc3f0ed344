// Names a guide's code sample may use without declaring them: the things an earlier step of
// the same guide made. Keep this list short; a sample that needs more is better written whole.
import type { History, Model, Sequential } from '@dlts/layers';
import type { DirectoryIterator } from '@dlts/image';
import type { tf } from '@dlts/tensors';

declare global {
  /** The model the guide built in an earlier step. */
  const model: Sequential;
  /** A pretrained convolutional base (VGG16 without its top). */
  const convBase: Model;
  /** What an earlier `fit` returned. */
  const history: History;
  /** Training, validation and test tensors prepared in an earlier step. */
  const x: tf.Tensor, y: tf.Tensor;
  const xTrain: tf.Tensor, yTrain: tf.Tensor, xVal: tf.Tensor, yVal: tf.Tensor, xTest: tf.Tensor, yTest: tf.Tensor;
  /** The course's cats-vs-dogs folders. */
  const trainDir: string, validationDir: string, testDir: string;
  /** Batch generators made with `flowFromDirectory`. */
  const trainGenerator: DirectoryIterator, validationGenerator: DirectoryIterator, testGenerator: DirectoryIterator;
}
export {};
