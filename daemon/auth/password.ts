// The app password: stored only as a scrypt hash (node:crypto) in <data>/auth.json, mode 0600.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PARAMS = { N: 1 << 15, r: 8, p: 1, keylen: 64 } as const;

interface StoredHash {
  algo: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<StoredHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS.N, PARAMS.r, PARAMS.p, PARAMS.keylen);
  return {
    algo: 'scrypt',
    N: PARAMS.N,
    r: PARAMS.r,
    p: PARAMS.p,
    salt: salt.toString('base64'),
    hash: key.toString('base64'),
  };
}

export async function verifyPassword(password: string, stored: StoredHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored.N, stored.r, stored.p, expected.length);
  return timingSafeEqual(key, expected);
}

export class PasswordFile {
  readonly file: string;
  constructor(dir: string) {
    this.file = join(dir, 'auth.json');
  }

  isSet(): boolean {
    return existsSync(this.file);
  }

  read(): StoredHash | null {
    return this.isSet() ? (JSON.parse(readFileSync(this.file, 'utf8')) as StoredHash) : null;
  }

  /** Exclusive create: two concurrent setups cannot both win. Returns false when a password already exists. */
  create(stored: StoredHash): boolean {
    try {
      writeFileSync(this.file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  replace(stored: StoredHash): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(stored), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
