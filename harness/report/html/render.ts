import type { ResultsFile } from '../../scenario/results.ts';
import { pageAssets } from './assets.ts';
import { cspHash, jsonForScript, scriptForInline } from './embed.ts';
import { buildReportData, type ReportExtras } from './model.ts';

/**
 * The HTML report: one self-contained file (charting library, styles, script and data inline) that
 * opens from disk with no network. The page's Content-Security-Policy forbids every fetch and allows
 * only its own script, by hash: even markup slipped into the page could not run or load anything.
 * With a baseline diff, its changes come first. All run data travels as JSON and is shown through textContent, never as markup.
 */
export function renderHtml(results: ResultsFile, extras: ReportExtras = {}): string {
  const assets = pageAssets();
  const script = `${scriptForInline(assets.chartLibrary)}\n${scriptForInline(assets.pageScript)}`;
  const csp = `default-src 'none'; script-src ${cspHash(script)}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const { fail, error, finding, pass } = results.summary;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>flatline report: ${fail} failed, ${error} errors, ${finding} findings, ${pass} passed</title>
<style>
${assets.chartStyles}
${assets.pageStyles}</style>
</head>
<body>
<noscript>This report draws its tables and charts with JavaScript; the same results are in results.json.</noscript>
<div id="app"></div>
<script type="application/json" id="flatline-data">${jsonForScript(buildReportData(results, extras))}</script>
<script>${script}</script>
</body>
</html>
`;
}
