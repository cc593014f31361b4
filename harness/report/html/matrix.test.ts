import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../checks/verdict.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';
import { buildMatrix } from './matrix.ts';

const keepalive = (ok: boolean): Verdict => ({ check: 'keepalive', status: ok ? 'pass' : 'fail', summary: '', measured: {} });
const run = (subject: string, heartbeat: string, nat: string, ok: boolean) =>
  fakeRun({ scenario: `${subject} ${heartbeat} ${nat}`, subject, cell: { heartbeat, nat, timeout: '10s' }, verdicts: [keepalive(ok)] });

describe('the heartbeat x NAT heatmap', () => {
  it('lays cells out per subject: NATs by timeout down, heartbeats by interval across', () => {
    const grids = buildMatrix([
      run('tcp', '6m', 'cn-mobile-unicom', false),
      run('tcp', '3m', 'aws-nat-gateway', true),
      run('tcp', '3m', 'cn-mobile-unicom', true),
      run('tcp', '6m', 'aws-nat-gateway', false),
      run('ws', '3m', '2m', false),
      fakeRun({ scenario: 'no matrix', subject: 'mqtt' }),
    ]);
    expect(grids.map((g) => g.subject)).toEqual(['tcp', 'ws']);
    const [tcp, ws] = grids;
    expect(tcp!.columns).toEqual([
      { key: '180000+10000', heartbeat: '3m', timeout: '10s' },
      { key: '360000+10000', heartbeat: '6m', timeout: '10s' },
    ]);
    expect(tcp!.rows.map((r) => [r.nat, r.timeout])).toEqual([
      ['cn-mobile-unicom', '5m'],
      ['aws-nat-gateway', '5m50s'],
    ]);
    expect(tcp!.rows[0]!.name).toBe('China Mobile 2G/3G, China Unicom 2G carrier NAT');
    const cell = tcp!.cells.find((c) => c.row === 'cn-mobile-unicom@300000' && c.column === '360000+10000')!;
    expect(cell).toMatchObject({ outcome: 'broke', predictedKeepsAlive: false, predictedDetectionMs: 370_000, disagreements: [] });
    expect(cell.prediction).toMatch(/^heartbeat 6m is not shorter than/);
    expect(ws!.rows[0]).toMatchObject({ nat: '2m', name: 'NAT with a 2m idle timeout' });
    expect(ws!.cells[0]).toMatchObject({ outcome: 'broke', disagreements: [] });
  });

  it('has no grid without matrix runs', () => {
    expect(buildMatrix([fakeRun()])).toEqual([]);
  });
});
