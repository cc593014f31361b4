import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../util/errors.ts';
import { outsideParties, substrateFor } from './parties.ts';

const mqttUrl = 'mqtt://127.0.0.1:1883';
const remote = { url: 'http://127.0.0.1:8474' };

describe('outsideParties', () => {
  it('names the broker for MQTT subjects only, and the Toxiproxy for every run', () => {
    expect(outsideParties({ mqttUrl, remote }, 'mqtt')).toEqual([{ what: `the MQTT broker at ${mqttUrl} (--mqtt-url)` }, { what: `the Toxiproxy at ${remote.url} (--toxiproxy)` }]);
    expect(outsideParties({ mqttUrl }, 'tcp')).toEqual([]);
    expect(outsideParties({ mqttUrl })).toHaveLength(1); // before the subjects are known, every party counts
    expect(outsideParties({}, 'mqtt')).toEqual([]);
  });
});

describe('substrateFor', () => {
  it('puts a world with no outside party in virtual time on the sim, and any other on kernel sockets', () => {
    expect(substrateFor({}, [])).toBe('sim');
    expect(substrateFor({ network: 'kernel' }, [])).toBe('kernel');
    expect(substrateFor({ timeScale: 0.01 }, [])).toBe('kernel');
    expect(substrateFor({}, outsideParties({ mqttUrl }, 'mqtt'))).toBe('kernel');
  });

  it('refuses the sim under an outside party or real time, naming it', () => {
    let caught: unknown;
    try {
      substrateFor({ network: 'sim' }, outsideParties({ remote }));
    } catch (err) {
      caught = err;
    }
    expect(isFlatlineError(caught, 'FLATLINE_ERR_USAGE')).toBe(true);
    expect((caught as Error).message).toBe(
      '--network sim cannot carry the Toxiproxy at http://127.0.0.1:8474 (--toxiproxy): the simulated network exists only inside this process and only in virtual time; use --network kernel (the default for such runs)',
    );
    expect(() => substrateFor({ network: 'sim', timeScale: 0.1 }, [])).toThrow(/^--network sim cannot carry a real-time run \(--time-scale\)/);
  });
});
