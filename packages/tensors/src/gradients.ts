import * as tf from '@tensorflow/tfjs-core';

let loading: Promise<void> | undefined;

/**
 * A Node module-resolution hook for tfjs-core's unbundled ES modules, whose relative imports
 * have no file extension (`'../ops/mul'`): Node's ESM loader needs `.js`. It only touches imports
 * made from inside `@tensorflow/tfjs-core/dist/`.
 */
const TFJS_DIST_HOOK = `
export async function resolve(specifier, context, next) {
  const parent = context.parentURL || '';
  if (parent.includes('/@tensorflow/tfjs-core/dist/') && specifier.startsWith('.') && !/\\.(m?js|json)$/.test(specifier)) {
    for (const suffix of ['.js', '/index.js']) {
      try { return await next(specifier + suffix, context); } catch {}
    }
  }
  return next(specifier, context);
}`;

/**
 * Registers tfjs-core's gradient functions, which every training step needs. `initBackend` and
 * `model.fit` call it; call it yourself before using `tf.grad` with tfjs-core directly.
 * Idempotent.
 *
 * tfjs-core registers no gradients on import (its `@tensorflow/tfjs` umbrella package does, by
 * bundling them). dlts loads tfjs-core's own `register_all_gradients` module explicitly; in Node
 * that module is unbundled ESM, so a resolution hook scoped to tfjs-core's `dist/` folder lets
 * Node load it.
 *
 * @example
 * ```ts
 * await ensureGradients();
 * const g = tf.grad((x) => tf.square(x))(tf.scalar(3)); // 6
 * ```
 */
export function ensureGradients(): Promise<void> {
  loading ??= (async () => {
    if (gradientsRegistered()) return;
    if (typeof process !== 'undefined' && process.versions?.node) {
      const mod = await import('node:module');
      if (typeof mod.register === 'function') mod.register(`data:text/javascript,${encodeURIComponent(TFJS_DIST_HOOK)}`);
    }
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return loading;
}

/**
 * True once the gradient functions are registered.
 *
 * @example
 * ```ts
 * import { ensureGradients, gradientsRegistered } from '@dlts/tensors';
 * if (!gradientsRegistered()) await ensureGradients();
 * ```
 */
export function gradientsRegistered(): boolean {
  return tf.getGradient('BatchMatMul') !== undefined && tf.getGradient('Conv2D') !== undefined;
}
