import { findProfile } from '../harness/nat/profiles.ts';
import { natProbes } from '../harness/nat/simulate.ts';
import { defineMatrix } from '../harness/scenario/scenario.ts';
import { toMs } from '../harness/util/duration.ts';

/**
 * The question every client team asks first: is the heartbeat short enough for the NATs our users
 * sit behind? Each cell idles behind a published NAT profile (does the mapping survive?) and loses
 * the mapping right after the last traffic (how long until the client notices?). These runs fill
 * the report's heartbeat x NAT heatmap; `flatline nat --simulate` runs the whole profile table.
 * A cell the arithmetic predicts to break is an expected finding, not a failure.
 */
export default defineMatrix(
  {
    heartbeat: ['1m', '3m', '4m30s', '6m'],
    nat: ['cn-mobile-unicom', 'aws-nat-gateway', 'azure-lb', 'aws-alb', 'gcp-cloud-nat'],
    probe: ['keepalive', 'detection'],
  },
  ({ heartbeat, nat, probe }) => {
    const probes = natProbes({ heartbeatMs: toMs(heartbeat), replyTimeoutMs: 10_000, subject: 'tcp', profile: findProfile(nat) });
    const { scenario } = probes.find((p) => p.cell.probe === probe)!;
    return { ...scenario, name: scenario.name.replace(/ \[.*\]$/, '') }; // the matrix names the cell itself
  },
);
