// A size-capped, rotated log file: `name.log`, `name.1.log` … `name.(keep-1).log`, all together under `capBytes`.
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class RotatingFile {
  private fd: number;
  private size: number;
  private readonly perFile: number;
  private readonly dir: string;
  private readonly name: string;
  private readonly keep: number;

  constructor(dir: string, name: string, capBytes: number, keep = 5) {
    this.dir = dir;
    this.name = name;
    this.keep = keep;
    // Each file is capped at cap/keep and rotation happens before a write would cross it, so the sum never exceeds the cap.
    this.perFile = Math.max(1024, Math.floor(capBytes / keep));
    this.fd = openSync(this.path(0), 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  path(index: number): string {
    return join(this.dir, index === 0 ? `${this.name}.log` : `${this.name}.${index}.log`);
  }

  /** Newest first: the files that exist now. */
  files(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.keep; i++) if (existsSync(this.path(i))) out.push(this.path(i));
    return out;
  }

  write(line: string): void {
    let buf = Buffer.from(line);
    if (buf.length > this.perFile) buf = Buffer.concat([buf.subarray(0, this.perFile - 1), Buffer.from('\n')]);
    if (this.size + buf.length > this.perFile) this.rotate();
    writeSync(this.fd, buf);
    this.size += buf.length;
  }

  private rotate(): void {
    closeSync(this.fd);
    rmSync(this.path(this.keep - 1), { force: true });
    for (let i = this.keep - 2; i >= 0; i--) {
      if (existsSync(this.path(i))) renameSync(this.path(i), this.path(i + 1));
    }
    this.fd = openSync(this.path(0), 'a', 0o600);
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
