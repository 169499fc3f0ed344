import { describe, expect, it } from 'vitest';
import { formatStr, formatStrHistory } from './format_str';

describe('formatStr', () => {
  it('prints str() as R does', () => {
    expect(formatStr([1, 14, 22, 16, 43, 530, 973, 1622, 1385, 65], [218], { type: 'int' })).toBe(' int [1:218] 1 14 22 16 43 530 973 1622 1385 65 ...');
    expect(formatStr([1.23247, 0.02177, 4.89822, 0.03961, 3.69311, 0.1], [404, 13])).toBe(' num [1:404, 1:13] 1.2325 0.0218 4.8982 0.0396 3.6931 ...');
    expect(formatStr([15.2, 42.3, 50, 21.1], [4], { oneD: true })).toBe(' num [1:4(1d)] 15.2 42.3 50 21.1');
    expect(formatStr([0.5251, 0.3231, 0.94], [3])).toBe(' num [1:3] 0.525 0.323 0.94');
    expect(formatStrHistory({ verbose: 1, epochs: 20, steps: 30 }, { loss: [0.5251, 0.3231, 0.2411, 0.1941, 0.1591, 0.12] }).split('\n')).toEqual([
      'List of 2',
      ' $ params :List of 3',
      '  ..$ verbose: int 1',
      '  ..$ epochs : int 20',
      '  ..$ steps  : int 30',
      ' $ metrics:List of 1',
      '  ..$ loss: num [1:6] 0.525 0.323 0.241 0.194 0.159 ...',
      ' - attr(*, "class")= chr "keras_training_history"',
    ]);
  });
});
