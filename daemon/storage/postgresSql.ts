// The server Sql engine: PostgreSQL with pgvector through postgres.js.
import postgres from 'postgres';
import { type Row, type Sql, type SqlQueryable, SqlUnavailableError } from './sql.ts';
import { isPostgresConnectionError, unreachableMessage } from './unavailable.ts';

/** A lost server becomes SqlUnavailableError (503 for the caller); any other error is passed on as it is. */
function unavailableOr(target: string) {
  return (err: unknown): never => {
    if (isPostgresConnectionError(err)) {
      throw new SqlUnavailableError(unreachableMessage('Postgres', target), { cause: err });
    }
    throw err;
  };
}

function wrap(sql: postgres.Sql | postgres.TransactionSql, lost: (err: unknown) => never): SqlQueryable {
  return {
    async query<T = Row>(text: string, params: readonly unknown[] = []) {
      return (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]).catch(lost)) as unknown as T[];
    },
    async exec(script: string) {
      await sql.unsafe(script).simple().catch(lost);
    },
  };
}

export function openPostgresSql(url: string, opts: { max?: number } = {}): Sql {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    connect_timeout: 5,
    // int8 as JS number, like PGlite: counts and ids here stay far below 2^53.
    types: {
      bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
      // Like PGlite: a string bound to a json/jsonb parameter is JSON text, not a JSON string to encode again.
      json: {
        to: 3802,
        from: [114, 3802],
        serialize: (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)),
        parse: (x: string) => JSON.parse(x),
      },
    },
    connection: { application_name: 'titan' },
  });
  const u = new URL(url);
  const lost = unavailableOr(`${u.host}${u.pathname}`);
  const base = wrap(sql, lost);
  return {
    engine: 'postgres',
    ...base,
    transaction: (fn) => (sql.begin((tx) => fn(wrap(tx, lost))) as Promise<never>).catch(lost),
    close: () => sql.end({ timeout: 5 }),
  };
}
