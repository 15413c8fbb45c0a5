import { kyselyAdapter } from '@better-auth/kysely-adapter';
import { hashToken } from './tokens.ts';

type AdapterFactory = ReturnType<typeof kyselyAdapter>;
type Adapter = ReturnType<AdapterFactory>;

const SESSION_MODEL = 'session';
const TOKEN_FIELD = 'token';

interface WhereClause {
  field: string;
  value: unknown;
}

/**
 * Hashes the session tokens a call names (in `where` clauses, `data` and `update`) and remembers
 * each raw token by its hash, so rows coming back can carry the raw one again.
 */
function hashTokensIn(input: { where?: unknown; data?: unknown; update?: unknown }) {
  const rawByHash = new Map<string, string>();
  const hashValue = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(hashValue);
    if (typeof v !== 'string') return v;
    const hashed = hashToken(v);
    rawByHash.set(hashed, v);
    return hashed;
  };
  const hashField = (row: unknown): unknown =>
    row && typeof row === 'object' && TOKEN_FIELD in row
      ? { ...row, [TOKEN_FIELD]: hashValue((row as Record<string, unknown>)[TOKEN_FIELD]) }
      : row;
  const rewritten = {
    ...input,
    ...(Array.isArray(input.where)
      ? {
          where: input.where.map((w: WhereClause) =>
            w?.field === TOKEN_FIELD ? { ...w, value: hashValue(w.value) } : w,
          ),
        }
      : {}),
    ...('data' in input ? { data: hashField(input.data) } : {}),
    ...('update' in input ? { update: hashField(input.update) } : {}),
  };
  return { rewritten, rawByHash };
}

/** Puts the caller's raw token back into rows (and rows nested one level down) that carry its hash. */
function restoreRaw(result: unknown, raw: Map<string, string>): unknown {
  if (raw.size === 0 || !result || typeof result !== 'object') return result;
  if (Array.isArray(result)) return result.map((r) => restoreRaw(r, raw));
  const row = result as Record<string, unknown>;
  const out: Record<string, unknown> = { ...row };
  const token = row[TOKEN_FIELD];
  if (typeof token === 'string' && raw.has(token)) out[TOKEN_FIELD] = raw.get(token);
  for (const [k, v] of Object.entries(row)) {
    if (v && typeof v === 'object' && !(v instanceof Date) && k !== TOKEN_FIELD) {
      const t = (v as Record<string, unknown>)[TOKEN_FIELD];
      if (typeof t === 'string' && raw.has(t)) out[k] = { ...(v as object), [TOKEN_FIELD]: raw.get(t) };
    }
  }
  return out;
}

/**
 * Better Auth's database adapter with session tokens stored only as their SHA-256: the `session`
 * table's `token` column holds hashes, so a copy of the database (a leaked backup) holds no live
 * credential. Every session query Better Auth makes names the token in a `where` clause, or writes
 * it in `create`/`update` data: those values are hashed on the way in, and rows coming back get the
 * caller's raw token in place of its hash (Better Auth signs it into the cookie, also when it
 * re-sets the cookie from a session it looked up). Rows found by other fields (a user's session
 * list) carry the hash, which is not a credential. Troupe's own session lookup
 * (http/authenticate.ts) hashes the cookie's token the same way. Better Auth (1.7) has no option
 * for this; the wrapper depends only on the adapter interface (`model`, `where`, `data`,
 * `update`).
 */
export function withHashedSessionTokens(inner: Adapter): Adapter {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'transaction') {
        return (run: (trx: Adapter) => Promise<unknown>) =>
          value.call(target, (trx: Adapter) => run(withHashedSessionTokens(trx)));
      }
      return async (...args: unknown[]) => {
        const input = args[0] as
          | { model?: unknown; where?: unknown; data?: unknown; update?: unknown }
          | undefined;
        if (!input || typeof input !== 'object' || input.model !== SESSION_MODEL) {
          return value.apply(target, args);
        }
        const { rewritten, rawByHash } = hashTokensIn(input);
        return restoreRaw(await value.apply(target, [rewritten, ...args.slice(1)]), rawByHash);
      };
    },
  });
}

/** Better Auth's Kysely adapter for our database, hashing session tokens (see above). */
export function hashedSessionKyselyAdapter(
  ...args: Parameters<typeof kyselyAdapter>
): (options: Parameters<AdapterFactory>[0]) => Adapter {
  const factory = kyselyAdapter(...args);
  return (options) => withHashedSessionTokens(factory(options));
}
