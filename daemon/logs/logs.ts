// The daemon's loggers: pino JSON lines into rotated files under <data>/logs, an audit log beside them, and a live feed.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { RotatingFile } from './rotatingFile.ts';

export interface LogLine {
  level: number;
  time: number;
  msg?: string;
  [key: string]: unknown;
}

export const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

// Field names whose values are never written, whatever object they are in.
const REDACT = [
  'password',
  'token',
  'api_key',
  'apiKey',
  'secret',
  'authorization',
  '*.password',
  '*.token',
  '*.api_key',
  '*.apiKey',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
];

export interface LogsOptions {
  dir: string;
  level: string;
  capBytes: number;
  /** Literal secret values to scrub from every line, in case one hides in a free-text field. */
  secrets: () => string[];
  /** Echo warnings and errors to stderr, for a person running the daemon in a terminal. */
  console?: boolean;
}

export class Logs {
  readonly app: pino.Logger;
  readonly audit: pino.Logger;
  readonly appFile: RotatingFile;
  readonly auditFile: RotatingFile;
  /** Emits 'line' with each parsed app log line, and 'audit' with each audit line. */
  readonly feed = new EventEmitter();

  private readonly opts: LogsOptions;

  constructor(opts: LogsOptions) {
    this.opts = opts;
    const dir = join(opts.dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The audit trail is smaller but kept apart so a noisy app log never rotates it away.
    this.appFile = new RotatingFile(dir, 'titan', Math.floor(opts.capBytes * 0.8));
    this.auditFile = new RotatingFile(dir, 'audit', Math.floor(opts.capBytes * 0.2));
    this.feed.setMaxListeners(100);
    const base = { redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } };
    this.app = pino({ ...base, level: opts.level }, { write: (s: string) => this.write(this.appFile, 'line', s) });
    this.audit = pino({ ...base, level: 'info' }, { write: (s: string) => this.write(this.auditFile, 'audit', s) });
  }

  setLevel(level: string): void {
    this.app.level = level;
  }

  private write(file: RotatingFile, event: 'line' | 'audit', raw: string): void {
    let line = raw;
    for (const secret of this.opts.secrets()) if (line.includes(secret)) line = line.replaceAll(secret, '[redacted]');
    file.write(line);
    if (this.feed.listenerCount(event) > 0 || this.opts.console) {
      const parsed = JSON.parse(line) as LogLine;
      this.feed.emit(event, parsed);
      if (this.opts.console && event === 'line' && parsed.level >= 40) {
        process.stderr.write(`[titan] ${parsed.level >= 50 ? 'error' : 'warn'}: ${parsed.msg ?? ''}\n`);
      }
    }
  }

  close(): void {
    this.appFile.close();
    this.auditFile.close();
  }
}
