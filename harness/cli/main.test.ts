import { describe, expect, it } from 'vitest';
import { FLATLINE_VERSION } from '../net/api/version.ts';
import { captureIo } from './capture-io.ts';
import { main } from './main.ts';

describe('flatline main', () => {
  it('lists the commands on --help, and on no command with exit 2', async () => {
    const help = captureIo();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toMatch(/^Usage: flatline <command>[\s\S]*\n {2}toxiproxy {2}serve Toxiproxy's HTTP API/);

    const none = captureIo();
    expect(await main([], none)).toBe(2);
    expect(none.err()).toBe(help.out());
  });

  it('names the known commands when the command is unknown', async () => {
    const io = captureIo();
    expect(await main(['toxyproxy'], io)).toBe(2);
    expect(io.err()).toBe('flatline: unknown command "toxyproxy"; known commands: init, run, toxiproxy, report, nat\nRun "flatline --help" for what each does.\n');
  });

  it('prints a command\'s own help, and the version', async () => {
    const help = captureIo();
    expect(await main(['toxiproxy', '--port', '0', '--help'], help)).toBe(0);
    expect(help.out()).toMatch(/^Usage: flatline toxiproxy \[--host 127\.0\.0\.1\]/);

    const version = captureIo();
    expect(await main(['--version'], version)).toBe(0);
    expect(version.out()).toBe(`${FLATLINE_VERSION}\n`);
  });

  it.each([
    [['--bogus'], /^flatline toxiproxy: Unknown option '--bogus'/],
    [['--port', 'eighty'], /^flatline toxiproxy: --port must be a whole number from 0 to 65535 \(got "eighty"\)/],
    [['--port', '70000'], /--port must be a whole number from 0 to 65535/],
    [['--seed=-1'], /--seed must be a whole number from 0 to 4294967295 \(got "-1"\)/],
    [['stray'], /Unexpected argument 'stray'/],
  ])('usage error %j: a clear message, a pointer to --help, exit 2', async (args, message) => {
    const io = captureIo();
    expect(await main(['toxiproxy', ...args], io)).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.err()).toMatch(/\nRun "flatline toxiproxy --help" for usage\.\n$/);
  });
});
