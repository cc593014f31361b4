import fs from 'node:fs';
import { createRequire } from 'node:module';
import { FlatlineError } from '../../util/errors.ts';

/**
 * The page's own browser code, in load order: plain scripts sharing one function scope (they are
 * concatenated into a single inline script), each one concern.
 */
const PAGE_SCRIPTS = ['format.js', 'dom.js', 'charts.js', 'timeline-chart.js', 'backoff-chart.js', 'run-detail.js', 'changes.js', 'overview.js', 'gallery.js', 'fleet.js', 'heatmap.js', 'main.js'] as const;

export interface PageAssets {
  /** uPlot (https://github.com/leeoniya/uPlot), the charting library, minified. */
  chartLibrary: string;
  chartStyles: string;
  pageScript: string;
  pageStyles: string;
}

const own = (name: string) => fs.readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

let cached: PageAssets | undefined;

/** Read once per process: every report inlines the same files. */
export function pageAssets(): PageAssets {
  cached ??= {
    chartLibrary: fromUplot('dist/uPlot.iife.min.js'),
    chartStyles: fromUplot('dist/uPlot.min.css'),
    pageScript: `(function () {\n'use strict';\n${PAGE_SCRIPTS.map(own).join('\n')}\n})();\n`,
    pageStyles: own('style.css'),
  };
  return cached;
}

function fromUplot(file: string): string {
  const require = createRequire(import.meta.url);
  let path: string;
  try {
    path = require.resolve(`uplot/${file}`);
  } catch {
    throw new FlatlineError('FLATLINE_ERR_CONFIG', 'the HTML report draws its charts with uPlot, which is not installed; run "npm install" (it is a dependency of flatline)');
  }
  return fs.readFileSync(path, 'utf8');
}
