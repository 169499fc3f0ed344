import type { AffineParams } from '../augment/affine';

/**
 * The parameters of one random transformation (Keras's `transform_parameters`, camelCase): what
 * {@link ImageDataGenerator.getRandomTransform} returns and {@link ImageDataGenerator.applyTransform}
 * applies. Angles are in degrees; `tx` shifts the rows (height) and `ty` the columns (width), in
 * pixels; `zx` zooms the rows and `zy` the columns.
 */
export interface TransformParams extends AffineParams {
  /** Flip left-right. */
  flipHorizontal?: boolean;
  /** Flip upside down. */
  flipVertical?: boolean;
  /** Added to every channel, then clipped to the image's range; `null`/absent: none. */
  channelShiftIntensity?: number | null;
  /** PIL brightness factor; `null`/absent: none. */
  brightness?: number | null;
}
