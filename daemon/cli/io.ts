// What a command sees of the world: its output streams, environment and input, so tests can run it in-process.
import { PassThrough, type Readable, type Writable } from 'node:stream';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable;
}

/** A command's result: its exit code, or 'running' when it keeps the process alive (the daemon, the MCP server). */
export type ExitCode = number | 'running';

export interface Command {
  run(argv: string[], io: CliIo): Promise<ExitCode>;
}

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
  };
}

/** An error a command reports as one line (`titan: …`) and exit code, without a stack. */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** `--name=value`, `--name value` (for names in `valued`) and `--flag`; the rest are positionals. */
export function parseArgs(
  argv: string[],
  valued: string[] = [],
): { flags: Map<string, string | true>; rest: string[] } {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (valued.includes(a.slice(2)) && i + 1 < argv.length) flags.set(a.slice(2), argv[++i] as string);
    else flags.set(a.slice(2), true);
  }
  return { flags, rest };
}

/** A CliIo that keeps what is written, for running a command in-process (tests, a command calling another). */
export function bufferIo(env: NodeJS.ProcessEnv): CliIo & { text(): string } {
  let text = '';
  const keep = (t: string) => {
    text += t;
  };
  return { out: keep, err: keep, env, stdin: new PassThrough(), stdout: new PassThrough(), text: () => text };
}
