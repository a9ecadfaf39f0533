/** Percentiles, timing and the one results table the bench prints. */
import { performance } from 'node:perf_hooks';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export interface Latencies {
  readonly p50: number;
  readonly p99: number;
  readonly n: number;
}

export function latencies(samples: readonly number[]): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

export const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** One line of the table. `met` is null for context figures without a target. */
export interface Row {
  readonly figure: string;
  readonly engine: string;
  readonly value: string;
  readonly reference: string;
  readonly ratio: string;
  readonly target: string;
  readonly met: boolean | null;
  /** For a target not met: where the time or the memory goes, as measured in the same run. */
  readonly why?: string;
}

export const fmt = (n: number, digits = 1): string =>
  Number.isFinite(n) ? n.toLocaleString('en-GB', { maximumFractionDigits: digits }) : '–';

export function printTable(rows: readonly Row[]): string {
  const head = ['figure', 'engine', 'Concord', 'reference', 'ratio', 'target', 'met'];
  const cells = rows.map((r) => [
    r.figure,
    r.engine,
    r.value,
    r.reference,
    r.ratio,
    r.target,
    r.met === null ? '' : r.met ? 'met' : 'NOT MET',
  ]);
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...cells.map((c) => `| ${c.join(' | ')} |`),
  ];
  return lines.join('\n');
}
