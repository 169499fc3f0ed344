/**
 * Training histories as R keras's `as.data.frame(history)` sees them: one row per epoch, metric
 * and data set (`training` or `validation`).
 */
import { DltsError, received } from '@dlts/tensors';

/**
 * What the history plots read: the `History` that `fit` returns, its `toJSON()`, or the `history`
 * part of an app's `--json` result (`{history: {loss: [...], val_loss: [...]}, params: {epochs}}`).
 */
export interface HistoryLike {
  /** Per-epoch values by log name (`loss`, `accuracy`, `val_loss`, ...). */
  history: Record<string, number[]>;
  /** The run's parameters; `epochs` sets the x range and the smooth rule, as in R keras. */
  params?: { epochs?: number; [key: string]: unknown };
  /** 0-based epoch index of each recorded value (as `History.epoch`); default 0, 1, 2, ... */
  epoch?: number[];
}

/** One point of a history plot. */
export interface HistoryRow {
  /** 1-based epoch, as R keras plots it. */
  epoch: number;
  value: number;
  /** The metric without the `val_` prefix. */
  metric: string;
  data: 'training' | 'validation';
}

/** The rows and facts a history plot is drawn from. */
export interface HistoryFrame {
  rows: HistoryRow[];
  /** Metrics in R keras's order (the order they first appear in the history, `val_` stripped). */
  metrics: string[];
  /** Whether any `val_` series exists (R keras's `do_validation`). */
  validation: boolean;
  /** `params.epochs` when known, else the last recorded epoch. */
  epochs: number;
}

/** Checks and flattens a history (R keras's `as.data.frame.keras_training_history`). */
export function historyFrame(history: HistoryLike, fn: string, metrics?: string[]): HistoryFrame {
  if (!history || typeof history !== 'object' || !history.history || typeof history.history !== 'object') {
    throw new DltsError('DLTS_VALUE', `${fn}: history must be the History that fit returns, or {history: {loss: [...]}}. Received: history=${received(history)}`);
  }
  const names = Object.keys(history.history);
  if (names.length === 0) throw new DltsError('DLTS_VALUE', `${fn}: the history has no metrics. Received: history=${received(history.history)}`);
  for (const name of names) {
    const v = history.history[name];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) {
      throw new DltsError('DLTS_VALUE', `${fn}: history.${name} must be an array of numbers. Received: ${received(v)}`);
    }
  }
  const all = [...new Set(names.map((n) => n.replace(/^val_/, '')))];
  const chosen = metrics ?? names.filter((n) => !n.startsWith('val_'));
  for (const m of chosen) {
    if (!all.includes(m)) {
      throw new DltsError('DLTS_VALUE', `${fn}: no metric "${m}" in the history; it has [${all.map((a) => `'${a}'`).join(', ')}]. Received: metrics=${received(metrics)}`);
    }
  }
  const order = all.filter((m) => chosen.includes(m));
  const rows: HistoryRow[] = [];
  let lastEpoch = 0;
  for (const name of names) {
    const metric = name.replace(/^val_/, '');
    if (!order.includes(metric)) continue;
    const data = name.startsWith('val_') ? 'validation' : 'training';
    history.history[name].forEach((value, i) => {
      const epoch = (history.epoch?.[i] ?? i) + 1;
      lastEpoch = Math.max(lastEpoch, epoch);
      if (Number.isFinite(value)) rows.push({ epoch, value, metric, data });
    });
  }
  const paramEpochs = history.params?.epochs;
  const epochs = typeof paramEpochs === 'number' && paramEpochs > 0 ? paramEpochs : lastEpoch;
  return { rows, metrics: order, validation: names.some((n) => n.startsWith('val_')), epochs };
}
