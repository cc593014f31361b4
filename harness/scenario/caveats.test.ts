import { describe, expect, it } from 'vitest';
import { fail, pass } from '../checks/verdict.ts';
import { applyCaveats, type CaveatInputs } from './caveats.ts';

const verdicts = [
  pass('keepalive', { summary: 'held 3m', measured: {} }),
  fail('detection', { summary: 'detected after 40s, bound 35s: 5s late', measured: {} }),
];
const none: CaveatInputs = { realTimePeers: [], pauses: [], toleranceRealMs: 40, origin: 1000, outside: [] };
const toxiproxy = { what: 'the Toxiproxy at http://127.0.0.1:8474 (--toxiproxy)' };

describe('applyCaveats', () => {
  it('leaves verdicts alone when nothing needs saying', () => {
    expect(applyCaveats(verdicts, { ...none, pauses: [{ at: 5000, realMs: 30 }] })).toEqual(verdicts);
  });

  it('marks every verdict judged in virtual time against a real-time peer', () => {
    const marked = applyCaveats(verdicts, { ...none, realTimePeers: [{ what: 'the MQTT broker at mqtt://127.0.0.1:1883 (--mqtt-url)' }] });
    expect(marked.map((v) => v.status)).toEqual(['pass', 'fail']);
    for (const v of marked) {
      expect(v.caveats).toEqual(['judged in virtual time against the MQTT broker at mqtt://127.0.0.1:1883 (--mqtt-url), which runs on real time: its own timers were not on the virtual clock']);
      expect(v.summary).toMatch(/ \[judged in virtual time against the MQTT broker/);
    }
  });

  it('says a pause beyond the tolerance happened, and keeps the verdicts of a world all in this process', () => {
    const marked = applyCaveats(verdicts, { ...none, pauses: [{ at: 61_000, realMs: 990 }, { at: 90_000, realMs: 12 }] });
    expect(marked.map((v) => v.status)).toEqual(['pass', 'fail']);
    expect(marked[0]!.caveats).toEqual(['the process was paused for 990 ms of real time at 1m, beyond the 40 ms tolerance; the clock skipped it, so timings inside this process stand']);
  });

  it('does not fail a verdict when an outside party kept running through the pause: it is not judged', () => {
    const marked = applyCaveats(verdicts, { ...none, outside: [toxiproxy], pauses: [{ at: 61_000, realMs: 990 }] });
    expect(marked.map((v) => v.status)).toEqual(['pass', 'error']);
    expect(marked[1]!.summary).toMatch(/^not judged: detected after 40s/);
    expect(marked[1]!.caveats![0]).toMatch(/paused for 990 ms .* while the Toxiproxy at http:\/\/127\.0\.0\.1:8474 \(--toxiproxy\) kept running$/);
  });
});
