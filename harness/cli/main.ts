import { FLATLINE_VERSION } from '../net/api/version.ts';
import { isFlatlineError } from '../util/errors.ts';
import type { CliIo, Command } from './command.ts';

interface CommandEntry {
  summary: string;
  /** Internal commands (the run workers) are left out of --help. */
  hidden?: boolean;
  /** Loaded only when run, so one command's dependencies never slow down another. */
  load(): Promise<Command>;
}

/** The subcommands. Adding one: a file harness/cli/<name>.ts exporting `usage` and `run`, and one line here. */
const commands: Record<string, CommandEntry> = {
  init: { summary: 'write a starter scenario, a config and an example adapter into this project', load: () => import('./init.ts') },
  run: { summary: 'run scenario files in virtual time and judge them (default: the project\'s; --builtin: flatline\'s own suites)', load: () => import('./run.ts') },
  toxiproxy: { summary: "serve Toxiproxy's HTTP API over flatline's fault network, in real time", load: () => import('./toxiproxy.ts') },
  report: { summary: 'write the HTML reliability report from results.json', load: () => import('./report.ts') },
  nat: { summary: 'is the heartbeat short enough for the NATs in between? (--simulate to run it)', load: () => import('./nat.ts') },
  __worker: { summary: '', hidden: true, load: () => import('./worker.ts') },
};

const processIo: CliIo = { stdout: process.stdout, stderr: process.stderr };

/** The `flatline` command: dispatches to a subcommand and resolves with the process exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(generalUsage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(generalUsage());
    return 0;
  }
  if (name === '--version') {
    io.stdout.write(`${FLATLINE_VERSION}\n`);
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    io.stderr.write(`flatline: unknown command "${name}"; known commands: ${Object.keys(commands).filter((n) => !commands[n]!.hidden).join(', ')}\nRun "flatline --help" for what each does.\n`);
    return 2;
  }
  const command = await entry.load();
  if (wantsHelp(rest)) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    return reportFailure(err, name, io);
  }
}

/** Prints what went wrong and returns the exit code: 2 for a bad command line or config, 1 otherwise. */
function reportFailure(err: unknown, name: string, io: CliIo): number {
  if (isFlatlineError(err, 'FLATLINE_ERR_USAGE')) {
    io.stderr.write(`flatline ${name}: ${err.message}\nRun "flatline ${name} --help" for usage.\n`);
    return 2;
  }
  if (isFlatlineError(err)) {
    io.stderr.write(`flatline ${name}: ${err.message}\n`);
    return err.code === 'FLATLINE_ERR_CONFIG' ? 2 : 1;
  }
  // Not an error a user can cause: a bug, so the stack helps.
  io.stderr.write(`flatline ${name}: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
  return 1;
}

/** --help or -h anywhere before a "--". */
function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

function generalUsage(): string {
  const shown = Object.entries(commands).filter(([, c]) => !c.hidden);
  const width = Math.max(...shown.map(([n]) => n.length));
  const lines = shown.map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `Usage: flatline <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "flatline <command> --help" for a command's options; "flatline --version" for the version.\n`;
}
