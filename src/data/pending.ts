import { sql } from 'kysely';

/**
 * `status = 'pending'` with the value written into the SQL text, not bound as a parameter. The
 * unique indexes on pending invitations and join requests are partial (`WHERE status =
 * 'pending'`), and a planner may use a partial index only when the query's condition implies the
 * index's. With a bound `status = ?`, SQLite prepares the statement again on every run, to plan
 * for the value bound (with the index for 'pending'), and PostgreSQL's generic plans of prepared
 * statements cannot use the index at all. Measured on SQLite in an invitation accept: closing the
 * member's other invitations 0.29 ms a call with the bound value, the join request 0.14 ms.
 */
export const PENDING = sql.lit('pending' as const);
