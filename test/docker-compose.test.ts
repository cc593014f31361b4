import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseRunArgs } from '../harness/cli/run.ts';

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks that it is valid compose
 * and that it lines up with what the harness expects: pinned official images, and a flatline
 * command whose flags the CLI accepts and whose hosts are the compose services.
 */
interface Service {
  image: string;
  command?: string[] | string;
  ports?: string[];
  depends_on?: string[];
  volumes?: string[];
}
const compose = parse(fs.readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const { toxiproxy, mosquitto, flatline } = compose.services;

/** The `flatline run` arguments inside the flatline service's shell command. */
function runArgs(): string[] {
  const script = (flatline!.command as string[]).at(-1)!;
  const afterRun = script.split('node bin/flatline.mjs run')[1]!;
  return afterRun.trim().split(/\s+/);
}

describe('docker-compose.yml', () => {
  it('has the three services, each on a pinned official image', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['flatline', 'mosquitto', 'toxiproxy']);
    expect(toxiproxy!.image).toMatch(/^ghcr\.io\/shopify\/toxiproxy:\d+\.\d+\.\d+$/);
    expect(mosquitto!.image).toMatch(/^eclipse-mosquitto:\d+\.\d+\.\d+$/);
    expect(flatline!.image).toMatch(/^node:20\.\d+\.\d+-bookworm$/);
  });

  it('publishes the Toxiproxy API and the broker on loopback only', () => {
    expect(toxiproxy!.ports).toEqual(['127.0.0.1:8474:8474']);
    expect(mosquitto!.ports).toEqual(['127.0.0.1:1883:1883']);
    expect(mosquitto!.command).toEqual(['mosquitto', '-c', '/mosquitto-no-auth.conf']);
  });

  it('runs flatline with flags the CLI accepts, pointed at the compose services', () => {
    expect(flatline!.depends_on).toEqual(['toxiproxy', 'mosquitto']);
    expect((flatline!.command as string[]).at(-1)).toMatch(/^npm ci .*&& node bin\/flatline\.mjs run /);
    const args = parseRunArgs(runArgs());
    expect(args.shared.remote).toEqual({ url: 'http://toxiproxy:8474', upstreamHost: 'flatline' });
    expect(args.shared.timeScale).toBe(0.01);
    expect(args.shared.serverHost).toBe('0.0.0.0');
    expect(args.shared.mqttUrl).toBe('mqtt://mosquitto:1883');
    expect(args.out).toBe('reports');
    expect(flatline!.volumes).toContain('.:/app');
    expect(Object.keys(compose.volumes ?? {})).toContain('node_modules');
  });
});
