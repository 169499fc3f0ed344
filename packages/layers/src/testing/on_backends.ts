import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeEach, describe } from 'vitest';

/** Where {@link describeOnSuiteAndCpu} runs a block: the test suite's backend, or tfjs's cpu backend. */
export type SuiteOrCpu = 'suite' | 'cpu';

/**
 * Runs the tests of `body` twice: on the suite's backend (wasm, or `DLTS_BACKEND`) and on the cpu
 * backend, for code that takes another path on some backends (a native kernel, a rank-2 fast
 * path). The backend is switched before each test and restored after it.
 *
 * @internal
 */
export function describeOnSuiteAndCpu(title: string, body: (which: SuiteOrCpu) => void): void {
  describe.each(['suite', 'cpu'] as const)(`${title} (%s backend)`, (which) => {
    let previous = '';
    beforeEach(async () => {
      previous = tf.getBackend();
      if (which === 'cpu') await tf.setBackend('cpu');
    });
    afterEach(async () => {
      await tf.setBackend(previous);
    });
    body(which);
  });
}
