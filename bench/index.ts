/**
 * `npm run bench`: prints flatline's speed figures side by side. Targets live here, never in
 * timed tests: proxy throughput >= half of direct loopback; virtual-time compression >= 500,000x;
 * the built-in suites cover >= 48 virtual hours in < 30 s; the HTML report for 1,000 runs is written
 * in < 5 s, is < 10 MB, and shows its overview within 2 s in headless chromium.
 */
import { benchCompression } from './clock.ts';
import { benchIoTracker } from './io-tracker.ts';
import { benchProxy } from './net.ts';
import { benchReport } from './report.ts';
import { benchFleet } from './fleet.ts';
import { benchIdleDay, benchSim } from './sim.ts';
import { benchSuite } from './suite.ts';

const started = performance.now();
console.log(`flatline bench — node ${process.version}, ${(await import('node:os')).cpus().length} cores; its child processes run compiled JavaScript, as the package ships (bench/compiled.ts)`);
await benchProxy();
await benchCompression();
await benchIoTracker();
await benchSim();
await benchIdleDay();
await benchFleet();
await benchSuite();
await benchReport();
console.log(`\nbench finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
