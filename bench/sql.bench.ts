// The Sql engines: point query and insert latency through Titan's Sql interface vs postgres.js used directly, and PGlite.
import postgres from 'postgres';
import { openPgliteSql } from '../daemon/storage/pgliteSql.ts';
import { openPostgresSql } from '../daemon/storage/postgresSql.ts';
import { machine, measure, printTable, services } from './lib.ts';

const N = 5000;
const { url } = services().postgres;
const table = `bench_${Date.now().toString(36)}`;

const direct = postgres(url, { max: 4, onnotice: () => {} });
const wrapped = openPostgresSql(url, { max: 4 });
const lite = await openPgliteSql(null);
await direct.unsafe(`CREATE TABLE ${table} (id serial PRIMARY KEY, body text)`);
await lite.exec(`CREATE TABLE ${table} (id serial PRIMARY KEY, body text)`);

const baseline = await measure('postgres.js direct: SELECT $1', N, () => direct.unsafe('SELECT $1::int AS x', [1]), 4);
const rows = [
  await measure('Sql(postgres): SELECT $1', N, () => wrapped.query('SELECT $1::int AS x', [1]), 4),
  await measure('Sql(pglite): SELECT $1', N, () => lite.query('SELECT $1::int AS x', [1]), 4),
  await measure(
    'postgres.js direct: INSERT',
    N,
    () => direct.unsafe(`INSERT INTO ${table} (body) VALUES ($1)`, ['hello']),
    4,
  ),
  await measure(
    'Sql(postgres): INSERT',
    N,
    () => wrapped.query(`INSERT INTO ${table} (body) VALUES ($1)`, ['hello']),
    4,
  ),
  await measure('Sql(pglite): INSERT', N, () => lite.query(`INSERT INTO ${table} (body) VALUES ($1)`, ['hello']), 4),
];
printTable(`Sql engines, ${N} statements each, 4 in flight — ${machine()}`, baseline, rows);

await direct.unsafe(`DROP TABLE ${table}`);
await direct.end();
await wrapped.close();
await lite.close();
