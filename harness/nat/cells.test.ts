import { describe, expect, it } from 'vitest';
import type { Verdict } from '../checks/verdict.ts';
import { fakeRun } from '../../test/support/fake-run.ts';
import { natCells } from './cells.ts';

const keepalive = (ok: boolean): Verdict => ({ check: 'keepalive', status: ok ? 'pass' : 'fail', summary: '', measured: {} });
const detection = (ms: number | null): Verdict => ({ check: 'detection', status: 'pass', summary: '', measured: { detectionMs: ms } });
const run = (name: string, cell: Record<string, unknown>, verdicts: Verdict[]) => fakeRun({ scenario: name, cell, verdicts });

describe('natCells', () => {
  it('reads one cell per heartbeat x nat from keepalive and detection verdicts, with the arithmetic beside it', () => {
    const cells = natCells([
      run('k', { heartbeat: '3m', timeout: '10s', nat: 'cn-mobile-unicom', probe: 'keepalive' }, [keepalive(true)]),
      // the worst-case probe counts from the expiry, 1 ms after the last traffic
      run('d', { heartbeat: '3m', timeout: '10s', nat: 'cn-mobile-unicom', probe: 'detection' }, [detection(189_999)]),
      run('not a matrix run', { subject: 'tcp' }, [keepalive(true)]),
      run('no cell', undefined as never, []),
    ]);
    expect(cells).toEqual([
      {
        heartbeatMs: 180_000,
        replyTimeoutMs: 10_000,
        nat: 'cn-mobile-unicom',
        natTimeoutMs: 300_000,
        survived: true,
        detectionMs: 190_000,
        undetected: false,
        predicted: expect.objectContaining({ keepsAlive: true, marginMs: 120_000, detectionMs: 190_000 }),
        disagreements: [],
        runs: ['fake.scenario.ts#k', 'fake.scenario.ts#d'],
      },
    ]);
  });

  it('takes a NAT given as a timeout or as nat_idle attributes, and T from the promise when the cell has none', () => {
    const promised = { detectionBoundMs: 6 * 60_000 + 20_000 };
    const [byTimeout, byAttributes] = natCells([
      fakeRun({ scenario: 'a', cell: { heartbeat: '6m', nat: '5m' }, verdicts: [keepalive(false)], promised }),
      fakeRun({ scenario: 'b', cell: { heartbeat: 360_000, nat: { timeout: '5m', on_expiry: 'reset' } }, verdicts: [keepalive(false)] }),
    ]);
    expect(byTimeout).toMatchObject({ nat: '5m', natTimeoutMs: 300_000, replyTimeoutMs: 20_000, survived: false, disagreements: [] });
    expect(byTimeout!.predicted).toMatchObject({ keepsAlive: false, detectionMs: 380_000 });
    expect(byAttributes).toMatchObject({ nat: '5m', replyTimeoutMs: 10_000, predicted: { detectionMs: 360_000 } });
  });

  it('flags a cell whose runs disagree with the arithmetic', () => {
    const [cell] = natCells([
      run('k', { heartbeat: '6m', nat: 'cn-mobile-unicom' }, [keepalive(true)]),
      run('d', { heartbeat: '6m', nat: 'cn-mobile-unicom' }, [detection(400_000)]),
    ]);
    expect(cell!.disagreements).toEqual([
      'predicted the mapping expires, but the connection survived',
      'predicted detection after 6m10s, measured 6m40s',
    ]);
  });

  it('holds an ordinary run to the worst case only, a worst-case probe to the worst case exactly', () => {
    const early = (probe?: string) => natCells([run('d', { heartbeat: '3m', nat: 'cn-mobile-unicom', probe }, [detection(59_999)])])[0]!;
    expect(early().disagreements).toEqual([]);
    expect(early('detection').disagreements).toEqual(['predicted detection after 3m10s, measured 1m']);
    const [never] = natCells([run('d', { heartbeat: '3m', nat: 'cn-mobile-unicom' }, [detection(null)])]);
    expect(never).toMatchObject({ detectionMs: null, undetected: true, disagreements: ['predicted detection within 3m10s, but the loss was never noticed'] });
  });

  it('predicts from the NAT the run had: the sim NAT\'s settings from its trace, else what the nat_idle toxic plays', () => {
    const placed = { t: 0, source: 'nat:subject-nat', type: 'nat.placed', timeoutMs: 1, loose: true, port: 'preserve', filter: false, refresh: 'both' };
    const cell = { heartbeat: '3m', timeout: '10s', nat: 'linux-conntrack', probe: 'detection' };
    const alarm: Verdict = { check: 'no-false-alarm', status: 'fail', summary: '', measured: { firstAlarmMs: 179_999 } };
    const [sim] = natCells([fakeRun({ scenario: 's', cell, verdicts: [], trace: [placed] })]);
    expect(sim!.predicted).toMatchObject({ outcome: 'pickup', detectionMs: null });
    const [kernel] = natCells([fakeRun({ scenario: 'k', cell, verdicts: [detection(189_999)] })]);
    expect(kernel).toMatchObject({ detectionMs: 190_000, disagreements: [], predicted: { outcome: 'dropped', detectionMs: 190_000 } });
    // a pickup predicted, an alarm raised: the arithmetic or the NAT is wrong
    const [alarmed] = natCells([fakeRun({ scenario: 'a', cell, verdicts: [alarm], trace: [placed] })]);
    expect(alarmed!.disagreements).toEqual(['predicted the NAT picks the connection up (nothing to notice), but the client declared the link dead after 3m']);
  });

  it('skips cells it cannot read and verdicts that could not judge', () => {
    expect(natCells([run('x', { heartbeat: 'often', nat: '5m' }, []), run('y', { heartbeat: '3m', nat: 'no-such-nat' }, [])])).toEqual([]);
    const [cell] = natCells([run('e', { heartbeat: '3m', nat: '5m' }, [{ check: 'keepalive', status: 'error', summary: '', measured: {} }])]);
    expect(cell).toMatchObject({ survived: null, detectionMs: null, disagreements: [] });
  });
});
