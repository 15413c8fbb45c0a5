import {
  type Compilable,
  type CompiledQuery,
  type DialectAdapter,
  type Insertable,
  type OperationNode,
  PostgresAdapter,
  type QueryResult,
} from 'kysely';
import { type Conn, directRunner, runsAsArrays, runsPrepared } from './db.ts';
import type { Database } from './schema.ts';
import { placeholders, statementPart, type WritePart } from './write-together.ts';

/**
 * For queries on every request's path (the session and API key lookups). Building and compiling a
 * four-table Kysely query costs more CPU than SQLite takes to run it, and PostgreSQL spends more
 * planning it than executing it. So each is compiled once per database (its Kysely dialect adapter,
 * which its transactions share: a query inside transactions is compiled once too), with sentinels
 * where the arguments go, then run with the real arguments (on PostgreSQL as a named prepared statement).
 * On SQLite, when no query or transaction holds the connection, the statement runs at once
 * (better-sqlite3 is synchronous) instead of through Kysely's connection queue: the same statement,
 * the same connection, a few promises fewer on every request.
 * Every parameter of the query must come from an argument (numbers too: a string sentinel stands in
 * for them while compiling).
 * `arrays: true` answers each row as an array of its values in the select list's order (no two
 * selected columns may share a name): better-sqlite3 builds a row object property by property,
 * about 0.3 µs a value, twice what an array costs (a 50-row listing of 12 columns: 297 µs as
 * objects, 170 µs as arrays). On PostgreSQL pg answers them as arrays (`runsAsArrays`); rows
 * that come back as objects (SQLite through Kysely's queue) are turned into arrays.
 * `page: true` (rows as arrays too) is for pages of many rows on PostgreSQL: the query becomes
 * `select json_agg(json_build_array(<its columns>))::text from (<the query>) s`, one value that
 * JSON.parse reads, instead of pg decoding every value of every row (a 51-row, 11-column listing:
 * 300-376 -> 184-214 µs of Node CPU, PostgreSQL 293-317 -> 353-393 µs, in process 2026-12-04).
 * `json_agg` keeps the order of the ordered, limited subquery it reads (the plan is a scan of that
 * subquery; PostgREST answers every request this way). Only for columns whose JSON is their value:
 * text, integers (a bigint as a JSON number: below 2^53, as every time in ms is), booleans, null —
 * not timestamps (pg makes Dates of them, JSON strings) nor numerics. Every selected column needs
 * a name of its own. SQLite answers as before: better-sqlite3's rows cost no more than its JSON.
 */
export function reusable<A extends (string | number | null)[], R>(
  build: (conn: Conn, ...args: A) => Pick<Compilable<R>, 'compile'>,
  opts: { arrays?: boolean; page?: boolean } = {},
) {
  const arrays = opts.arrays === true || opts.page === true;
  /**
   * By the database's adapter, not by `conn`: a transaction is a new Kysely object each time, with
   * its database's adapter (and the same SQL), so a query inside transactions is compiled once too.
   */
  const compiled = new WeakMap<DialectAdapter, { query: CompiledQuery<R>; slots: number[]; json: boolean }>();
  const compile = (conn: Conn, adapter: DialectAdapter, args: A) => {
    const sentinels = args.map((_, i) => `\u0000arg${i}\u0000`) as string[];
    let query = build(conn, ...(sentinels as A)).compile();
    const slots = query.parameters.map((p) => sentinels.indexOf(p as string));
    if (slots.some((i) => i < 0)) throw new Error('reusable query: every parameter must be an argument');
    const json = opts.page === true && adapter instanceof PostgresAdapter;
    if (json) query = asJsonPage(query);
    runsPrepared(query.sql);
    if (arrays) runsAsArrays(query.sql);
    const entry = { query, slots, json };
    compiled.set(adapter, entry);
    return entry;
  };
  const runQuery = (conn: Conn, ...args: A) => {
    const adapter = conn.getExecutor().adapter;
    let entry = compiled.get(adapter);
    if (!entry) {
      try {
        entry = compile(conn, adapter, args);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const { query, slots, json } = entry;
    const parameters = slots.map((i) => args[i]);
    const direct = directRunner(conn);
    if (direct) {
      try {
        const result = direct(query.sql, parameters, arrays) as QueryResult<R> | null;
        if (result) return Promise.resolve(result);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    // Not `{ ...query, parameters }`: a spread followed by more properties is V8's slow path.
    const run = conn.executeQuery<R>({
      query: query.query,
      queryId: query.queryId,
      sql: query.sql,
      parameters,
    });
    return json ? run.then(fromJsonPage) : arrays ? run.then(asArrays) : run;
  };
  /**
   * The statement with these arguments as a part of a use case's `writeTogether`
   * (data/write-together.ts): for statements whose answer is not needed (an update, an upsert).
   */
  const part = (conn: Conn, ...args: A): WritePart => {
    const adapter = conn.getExecutor().adapter;
    const entry = compiled.get(adapter) ?? compile(conn, adapter, args);
    if (entry.json) throw new Error('reusable query: a page query cannot be a write part');
    return statementPart(
      entry.query.sql,
      entry.slots.map((i) => args[i]),
      (c) => runQuery(c, ...args),
    );
  };
  return Object.assign(runQuery, { part });
}

/** The column names a select answers, in order (null: a selection this cannot name). */
function selectedNames(node: OperationNode): string[] | null {
  const n = node as { kind: string; selections?: { selection: OperationNode }[] };
  if (n.kind !== 'SelectQueryNode' || !n.selections) return null;
  const names: string[] = [];
  for (const { selection } of n.selections) {
    const s = selection as {
      kind: string;
      alias?: { name?: string };
      column?: { kind: string; column?: { name?: string } };
    };
    const name =
      s.kind === 'AliasNode'
        ? s.alias?.name
        : s.kind === 'ReferenceNode' && s.column?.kind === 'ColumnNode'
          ? s.column.column?.name
          : undefined;
    if (!name) return null;
    names.push(name);
  }
  return new Set(names).size === names.length ? names : null;
}

/**
 * A PostgreSQL page query answering its rows as one JSON text: an array of arrays of the row's
 * values in the select list's order (json_agg keeps the order of the ordered subquery it reads).
 */
function asJsonPage<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  const names = selectedNames(query.query);
  if (!names) throw new Error('reusable page query: every selected column needs a name of its own');
  const values = names.map((n) => `"s"."${n.replaceAll('"', '""')}"`).join(', ');
  return {
    query: query.query,
    queryId: query.queryId,
    parameters: query.parameters,
    sql: `select coalesce(json_agg(json_build_array(${values})), '[]')::text from (${query.sql}) as "s"`,
  };
}

function fromJsonPage<R>(result: QueryResult<R>): QueryResult<R> {
  const only = result.rows[0] as unknown as [string] | undefined;
  return { rows: only ? (JSON.parse(only[0]) as R[]) : [] };
}

/** Rows as arrays: PostgreSQL's already are (`runsAsArrays`); SQLite's through Kysely are objects. */
function asArrays<R>(result: QueryResult<R>): QueryResult<R> {
  if (result.rows.length === 0 || Array.isArray(result.rows[0])) return result;
  return { rows: result.rows.map((row) => Object.values(row as object)) as R[] };
}

/**
 * `reusable` for a query with optional parts: one compiled query per shape (which parts it has),
 * made on first use. `key` names a shape (shapes with equal keys must build the same SQL);
 * `arrays` and `page` are `reusable`'s options, for every shape.
 */
export function reusableByShape<S, A extends (string | number | null)[], R>(spec: {
  key: (shape: S) => string;
  build: (shape: S) => (conn: Conn, ...args: A) => Pick<Compilable<R>, 'compile'>;
  arrays?: boolean;
  page?: boolean;
}) {
  const byKey = new Map<string, ReturnType<typeof reusable<A, R>>>();
  return (shape: S) => {
    const key = spec.key(shape);
    let run = byKey.get(key);
    if (!run) {
      run = reusable(spec.build(shape), { arrays: spec.arrays, page: spec.page });
      byKey.set(key, run);
    }
    return run;
  };
}

/**
 * `reusable` for a query with one list of values (an IN list) besides its fixed arguments: one
 * compiled query per list length, made on first use. For lists of bounded length (a folder chain's
 * links, at most 64; an invitation call's addresses, at most 100): each length is one more text.
 */
export function reusableWithList<F extends (string | number | null)[], R>(
  build: (conn: Conn, list: string[], ...fixed: F) => Pick<Compilable<R>, 'compile'>,
  opts: { arrays?: boolean } = {},
) {
  const byLength = new Map<number, ReturnType<typeof reusable<(string | number | null)[], R>>>();
  return (conn: Conn, list: string[], ...fixed: F) => {
    let run = byLength.get(list.length);
    if (!run) {
      const k = fixed.length;
      run = reusable(
        (c: Conn, ...args: (string | number | null)[]) =>
          build(c, args.slice(k) as string[], ...(args.slice(0, k) as F)),
        opts,
      );
      byLength.set(list.length, run);
    }
    return run(conn, ...fixed, ...list);
  };
}

type RowValue = string | number | null;

/**
 * Inserts whole rows into `table`, every row holding exactly `columns` (strings, numbers, nulls).
 * One row, the usual case (an audit entry, a notification, a mail), runs as a `reusable` query,
 * compiled once; several are built by Kysely, at most 30,000 values a statement (SQLite binds at
 * most 32,766).
 */
export function rowInserter<T extends keyof Database & string>(
  table: T,
  columns: readonly (keyof Database[T] & string)[],
) {
  const one = reusable((conn: Conn, ...values: RowValue[]) =>
    conn.insertInto(table).values(Object.fromEntries(columns.map((c, i) => [c, values[i]])) as never),
  );
  const perStatement = Math.max(1, Math.floor(30_000 / columns.length));
  const insert = async (conn: Conn, rows: Insertable<Database[T]>[]): Promise<void> => {
    const [only] = rows;
    if (rows.length === 1 && only) {
      const row = only as Record<string, RowValue>;
      await one(conn, ...columns.map((c) => row[c] ?? null));
      return;
    }
    for (let i = 0; i < rows.length; i += perStatement) {
      await conn
        .insertInto(table)
        .values(rows.slice(i, i + perStatement) as never)
        .execute();
    }
  };
  const into = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  const noCasts = columns.map(() => '');
  /** The rows as a part of `writeTogether` (data/write-together.ts): on PostgreSQL one CTE. */
  const part = (rows: Insertable<Database[T]>[]): WritePart => {
    const params: RowValue[] = [];
    for (const row of rows as Record<string, RowValue>[])
      for (const c of columns) params.push(row[c] ?? null);
    return {
      key: `${into}${rows.length}`,
      empty: rows.length === 0,
      params,
      ctes: (name, first) =>
        `${name} AS (${into}${rows
          .map((_, r) => `(${placeholders(first + r * columns.length, noCasts)})`)
          .join(', ')})`,
      alone: (conn) => insert(conn, rows),
    };
  };
  return Object.assign(insert, { part });
}
