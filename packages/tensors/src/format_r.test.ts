import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatR } from './format_r';

// @dlts/testing depends on this package, so the shared course is found by path here.
const shared = process.env.DLTS_SHARED_DATA ? dirname(process.env.DLTS_SHARED_DATA) : join(dirname(fileURLToPath(import.meta.url)), '../../../../shared');
const course = readFileSync(join(shared, 'course', 'course-zh.txt'), 'utf8');
/** The course's printed block that starts at `marker`, without R's "## " prefix. */
function block(marker: string, lines: number): string {
  const all = course.split('\n');
  const i = all.findIndex((l) => l.startsWith(`## ${marker}`));
  return all
    .slice(i, i + lines)
    .map((l) => l.slice(3))
    .join('\n');
}

describe('formatR prints as R does in the course', () => {
  it('a named vector (the evaluate result)', () => {
    // The course's text lost the trailing blank R prints after the last value; compare without it.
    const trim = (t: string) => t.split('\n').map((l) => l.trimEnd()).join('\n');
    expect(trim(formatR([0.06361058, 0.9813], { names: ['loss', 'accuracy'] }))).toBe(trim(block('      loss   accuracy', 2)));
  });

  it('a vector with its [1] label (the one-hot label row)', () => {
    // R pads the label to the width of the last index label: " [1]" for 10 values (course: train_labels[1,]).
    expect(formatR([0, 0, 0, 0, 0, 1, 0, 0, 0, 0])).toBe(block(' [1] 0 0 0 0 0 1', 1));
    expect(formatR([5])).toBe('[1] 5');
  });

  it('a prediction matrix, each column in R scientific or fixed notation', () => {
    const rows = [
      [1.072515e-8, 3.230695e-10, 1.146493e-6, 1.531296e-4, 7.05434e-12, 7.952181e-7, 1.285119e-13, 9.998432e-1, 5.679169e-7, 1.012717e-6],
      [5.373248e-11, 2.11785e-7, 9.999998e-1, 1.61935e-8, 1.27202e-18, 4.526011e-9, 1.552863e-10, 9.538847e-19, 1.226291e-8, 6.82476e-18],
    ];
    expect(formatR(rows)).toBe(block('             [,1]', 6));
  });

  it('the first training digit as a 28 x 28 integer matrix, wrapped at 80 columns', () => {
    const text = block('      [,1] [,2]', 29 * 3);
    const digit: number[][] = [];
    for (const line of text.split('\n')) {
      const m = /^\s*\[(\d+),\]\s+(.*)$/.exec(line);
      if (m) (digit[Number(m[1]) - 1] ??= []).push(...m[2].trim().split(/\s+/).map(Number));
    }
    expect(digit).toHaveLength(28);
    expect(formatR(digit)).toBe(text);
  });
});
