import { CompiledQuery, PostgresAdapter } from 'kysely';
import { type Conn, runsPrepared, thenCommit } from './db.ts';

/**
 * One part of a use case's writes that can share a statement with others: rows into a table (an
 * audit entry, a mail, an invitation, a membership), or notifications with their users' counters.
 * A part does not read what the other parts of the same call write (on PostgreSQL they run as
 * data-modifying CTEs of one statement, which all see the same snapshot), and the parts take their
 * row locks in no promised order (PostgreSQL runs the CTE its final select reads first, the others
 * after it): writes whose lock order matters are not given together.
 */
export interface WritePart {
  /** Names the part's SQL shape: parts with equal keys write the same SQL text. */
  readonly key: string;
  /** Nothing to write (no rows): the part is left out. */
  readonly empty: boolean;
  /** Its parameters, in the order its CTEs number them. */
  readonly params: readonly unknown[];
  /**
   * PostgreSQL: the part as data-modifying CTEs (`name AS (...)`, comma-separated; further CTEs
   * named `name` + a suffix), its parameters numbered from `$first`.
   */
  ctes(name: string, first: number): string;
  /** PostgreSQL: what the statement answers for this part (a select from its CTEs), if anything. */
  readonly select?: (name: string) => string;
  /** PostgreSQL: the part's answer (the rows of its `select`), to complete what it reports. */
  readonly answered?: (rows: Record<string, unknown>[]) => void;
  /** SQLite: the part as statements of its own. */
  alone(conn: Conn): Promise<void>;
}

/** Statement texts by the parts' keys (bounded: only small shapes are kept, see `KEEP_PARAMS`). */
const texts = new Map<string, string>();
/** A shape with at most this many parameters is kept and runs as a prepared statement. */
const KEEP_PARAMS = 64;
/** More parameters than this: the parts run alone (a rows part splits its rows into statements). */
const MAX_PARAMS = 30_000;

/**
 * Writes `parts` in the caller's transaction. PostgreSQL: in one statement, each part a
 * data-modifying CTE (`WITH a AS (INSERT ...), b AS (INSERT ...) SELECT ...`): one round trip and one
 * execution instead of one a part. Each statement costs the server process about 100-150 µs of
 * wall time at one connection (its own CPU in Kysely and pg, PostgreSQL's parse/bind/execute), more
 * than a small insert itself. SQLite: the parts one after the other (statements in process cost a
 * few µs each).
 * `last`: the transaction's last statement, after which its callback runs no other and cannot
 * fail; on PostgreSQL the statement then commits the transaction with it (db.ts `thenCommit`: one
 * round trip fewer). Outside a transaction, on SQLite, and when the parts run alone, no effect.
 */
export async function writeTogether(
  conn: Conn,
  all: readonly WritePart[],
  opts: { last?: boolean } = {},
): Promise<void> {
  const parts = all.filter((p) => !p.empty);
  if (parts.length === 0) return;
  const params: unknown[] = [];
  for (const part of parts) for (const v of part.params) params.push(v);
  // SQLite; and on PostgreSQL what would pass its 65,535 parameters a statement (parts alone chunk).
  if (!(conn.getExecutor().adapter instanceof PostgresAdapter) || params.length > MAX_PARAMS) {
    for (const part of parts) await part.alone(conn);
    return;
  }
  const answering = parts.filter((p) => p.select);
  if (answering.length > 1) throw new Error('writeTogether: at most one part may answer rows');
  const last = opts.last === true && conn.isTransaction;
  const key = `${+last}${parts.map((p) => p.key).join('\u0000')}`;
  let text = texts.get(key);
  if (!text) {
    let first = 1;
    const ctes: string[] = [];
    parts.forEach((part, i) => {
      ctes.push(part.ctes(`w${i}`, first));
      first += part.params.length;
    });
    const answer = answering[0];
    const select = answer?.select ? answer.select(`w${parts.indexOf(answer)}`) : 'SELECT NULL';
    text = `WITH ${ctes.join(', ')} ${select}`;
    if (last) text = thenCommit(text);
    if (params.length <= KEEP_PARAMS) {
      texts.set(key, text);
      runsPrepared(text);
    }
  }
  const result = await conn.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
  answering[0]?.answered?.(result.rows);
}

/** `$first, $first+1, ...` for `n` parameters, each followed by `cast` (e.g. `::bigint`) if given. */
export function placeholders(first: number, casts: readonly string[]): string {
  return casts.map((cast, i) => `$${first + i}${cast}`).join(', ');
}

/**
 * One compiled statement (an UPDATE, an INSERT ... ON CONFLICT, a DELETE; its answer unused) as a
 * part: on PostgreSQL its text becomes a CTE, its `$n` placeholders moved to where the part's
 * parameters start; `alone` runs it by itself (SQLite). The text is its shape.
 */
export function statementPart(
  text: string,
  params: readonly unknown[],
  alone: (conn: Conn) => Promise<unknown>,
): WritePart {
  return {
    key: text,
    empty: false,
    params,
    ctes: (name, first) => `${name} AS (${renumbered(text, first, params.length)})`,
    alone: async (conn) => {
      await alone(conn);
    },
  };
}

/**
 * `text`'s placeholders `$1..$n` as `$first..` (Kysely numbers each parameter once, in order; a
 * text that does otherwise, or holds a `$` followed by digits elsewhere, is refused).
 */
function renumbered(text: string, first: number, n: number): string {
  let next = 1;
  const out = text.replace(/\$(\d+)/g, (_, digits: string) => {
    if (Number(digits) !== next) throw new Error(`writeTogether: placeholders out of order in ${text}`);
    next++;
    return `$${first + Number(digits) - 1}`;
  });
  if (next - 1 !== n)
    throw new Error(`writeTogether: ${n} parameters but ${next - 1} placeholders in ${text}`);
  return out;
}
