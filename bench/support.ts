/** Small helpers shared by the benchmarks: timing and percentiles, printed as aligned rows. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function row(label: string, ...cells: string[]): void {
  // A space before each cell keeps a cell wider than its column apart from its neighbour.
  console.log(`  ${label.padEnd(44)}${cells.map((c) => ` ${c.padStart(15)}`).join('')}`);
}

export function heading(title: string, ...columns: string[]): void {
  console.log(`\n${title}`);
  if (columns.length) row('', ...columns);
}

export const fmt = {
  us: (ms: number) => `${(ms * 1000).toFixed(0)} µs`,
  ms: (ms: number) => `${ms.toFixed(1)} ms`,
  s: (ms: number) => `${(ms / 1000).toFixed(2)} s`,
  mbps: (bytes: number, ms: number) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`,
  x: (ratio: number) => `${Math.round(ratio).toLocaleString('en-US')}x`,
  ratio: (r: number) => r.toFixed(2),
  mib: (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`,
};
