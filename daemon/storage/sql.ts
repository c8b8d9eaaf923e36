// Sql: the one interface over the relational store, served by PGlite (embedded) or Postgres (postgres.js).
export type Row = Record<string, unknown>;

export interface SqlQueryable {
  /** Runs one statement with $1…$n parameters and returns its rows. */
  query<T = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Sql extends SqlQueryable {
  readonly engine: 'pglite' | 'postgres';
  /** Commits when `fn` resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class SqlUnavailableError extends Error {
  readonly code = 'sql_unavailable';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SqlUnavailableError';
  }
}
