// The embedded PGlite engine passes the Sql conformance suite, in memory and persisted across a reopen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import { openPgliteSql } from './pgliteSql.ts';
import { runSqlConformance } from './sql.case.test.ts';

runSqlConformance('pglite', () => openPgliteSql(null));

it('pglite: data persists in its directory across a close and reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'titan-pglite-'));
  try {
    const a = await openPgliteSql(dir);
    await migrate(a);
    await a.query(`INSERT INTO titan_meta (key, value) VALUES ('instance', '"abc"')`);
    await a.close();
    const b = await openPgliteSql(dir);
    expect(await migrate(b)).toEqual([]);
    expect(await b.query('SELECT value FROM titan_meta')).toEqual([{ value: 'abc' }]);
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
