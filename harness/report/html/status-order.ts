import type { RunStatus } from '../../scenario/results.ts';

/** Worst first: what needs a look (fail, error) before what is known (finding) and what holds (pass). */
export const STATUS_ORDER: Record<RunStatus, number> = { fail: 0, error: 1, finding: 2, pass: 3 };
