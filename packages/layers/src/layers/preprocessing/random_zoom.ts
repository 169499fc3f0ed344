import type * as tf from '@tensorflow/tfjs-core';
import { affineTransform, checkGeometry, type FillMode, type Interpolation, type Transform } from './image_affine';
import { BaseRandomLayer, imageDims, symmetricFactor, type RandomLayerArgs } from './base_random_layer';

/** Arguments of {@link randomZoom}. */
export interface RandomZoomArgs extends RandomLayerArgs {
  /**
   * Vertical zoom: a number `f` draws from `[1 - f, 1 + f]` (as a fraction), `[low, high]` from
   * `[1 + low, 1 + high]`. Positive values zoom out, negative zoom in.
   */
  heightFactor: number | [number, number];
  /** Horizontal zoom, likewise; default: the vertical zoom (aspect ratio kept). */
  widthFactor?: number | [number, number] | null;
  /** `'reflect'` (default), `'wrap'`, `'constant'` or `'nearest'`. */
  fillMode?: FillMode;
  /** `'bilinear'` (default) or `'nearest'`. */
  interpolation?: Interpolation;
  /** The value for `fillMode: 'constant'`. Default 0. */
  fillValue?: number;
}

/**
 * Randomly zooms each image about its centre during training (Keras 3's `RandomZoom`).
 *
 * @example
 * ```ts
 * import { RandomZoom, randomZoom } from '@dlts/layers';
 * import { tf } from '@dlts/tensors';
 * const zoom = randomZoom({ heightFactor: [-0.3, -0.1] }); // zoom in by 10% to 30%, aspect ratio kept
 * zoom instanceof RandomZoom; // true
 * const augmented = zoom.apply(tf.randomUniform([8, 180, 180, 3], 0, 255), { training: true });
 * ```
 */
export class RandomZoom extends BaseRandomLayer {
  static override className = 'RandomZoom';

  readonly heightFactor: number | [number, number];
  readonly widthFactor: number | [number, number] | null;
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  private readonly height: [number, number];
  private readonly width: [number, number] | null;

  constructor(args: RandomZoomArgs) {
    super(args, 'randomZoom');
    this.height = symmetricFactor('randomZoom', args?.heightFactor, 'height_factor');
    this.width = args.widthFactor === undefined || args.widthFactor === null ? null : symmetricFactor('randomZoom', args.widthFactor, 'width_factor');
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor ?? null;
    this.fillMode = args.fillMode ?? 'reflect';
    this.interpolation = args.interpolation ?? 'bilinear';
    this.fillValue = args.fillValue ?? 0;
    checkGeometry('randomZoom', this.fillMode, this.interpolation, args.dataFormat);
  }

  protected override transform(images: tf.Tensor): tf.Tensor {
    const { batch, height, width } = imageDims(images);
    // Keras draws all the height zooms of the batch, then all the width zooms.
    const zy = Array.from({ length: batch }, () => this.uniform(1 + this.height[0], 1 + this.height[1]));
    const zx = this.width ? Array.from({ length: batch }, () => this.uniform(1 + this.width![0], 1 + this.width![1])) : zy;
    const transforms = zy.map((y, i): Transform => {
      const x = zx[i];
      return [x, 0, ((width - 1) / 2) * (1 - x), 0, y, ((height - 1) / 2) * (1 - y)];
    });
    return affineTransform(images, transforms, this.interpolation, this.fillMode, this.fillValue);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      height_factor: this.heightFactor,
      width_factor: this.widthFactor,
      fill_mode: this.fillMode,
      interpolation: this.interpolation,
      fill_value: this.fillValue,
    };
  }
}

/**
 * Creates a {@link RandomZoom} layer (R: `layer_random_zoom(height_factor = 0.2)`).
 *
 * @param args - `heightFactor`, `widthFactor`, `fillMode` ('reflect'), `interpolation`
 *   ('bilinear'), `fillValue` (0), `seed`, and the base layer arguments.
 * @returns the layer.
 * @throws DltsError `DLTS_VALUE` for a factor outside (-1, 1] or an unknown mode.
 * @example
 * ```ts
 * randomZoom({ heightFactor: 0.2 }); // zoom out or in by up to 20%, same in both directions
 * ```
 */
export function randomZoom(args: RandomZoomArgs): RandomZoom {
  return new RandomZoom(args);
}
