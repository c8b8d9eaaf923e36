// Login tokens: HS256 JWTs (jose) signed with a secret generated on first run and kept in <data>/jwt.key, mode 0600.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'titan';

function loadOrCreateSecret(dir: string): Uint8Array {
  const file = join(dir, 'jwt.key');
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (secret.length < 32)
    throw new Error(`${file} holds a secret shorter than 32 bytes: delete it and restart to generate a new one`);
  return new Uint8Array(secret);
}

export class TokenIssuer {
  private readonly secret: Uint8Array;
  private readonly ttlHours: () => number;

  constructor(dir: string, ttlHours: () => number) {
    this.secret = loadOrCreateSecret(dir);
    this.ttlHours = ttlHours;
  }

  async issue(): Promise<{ token: string; expires_at: string }> {
    const exp = Math.floor(Date.now() / 1000) + this.ttlHours() * 3600;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject('owner')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(this.secret);
    return { token, expires_at: new Date(exp * 1000).toISOString() };
  }

  /** Resolves to null when valid, otherwise to a reason the client can act on. */
  async check(token: string): Promise<string | null> {
    try {
      await jwtVerify(token, this.secret, { algorithms: ['HS256'], issuer: ISSUER, subject: 'owner' });
      return null;
    } catch (err) {
      if (err instanceof errors.JWTExpired) return 'the token has expired: log in again';
      return 'the token is not valid: log in again';
    }
  }
}
