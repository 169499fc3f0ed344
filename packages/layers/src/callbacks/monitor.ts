/** How a monitored quantity improves. */
export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * Keras's rule for `mode = 'auto'`: quantities named like accuracy or AUC (and `fmeasure`) are
 * maximised, everything else (losses, errors) minimised.
 */
export function resolveMode(mode: MonitorMode, monitor: string): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  return /acc|auc|fmeasure|precision|recall/.test(monitor) ? 'max' : 'min';
}

/** Whether `current` improves on `reference` by more than `minDelta` in the given direction. */
export function isImprovement(current: number, reference: number, mode: 'min' | 'max', minDelta: number): boolean {
  const delta = Math.abs(minDelta);
  return mode === 'min' ? current + delta < reference : current - delta > reference;
}
