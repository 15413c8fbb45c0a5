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

const hashValue = (v: unknown): unknown =>
  typeof v === 'string' ? hashToken(v) : Array.isArray(v) ? v.map(hashValue) : v;

const hashWhere = (where: unknown): unknown =>
  Array.isArray(where)
    ? where.map((w: WhereClause) => (w?.field === TOKEN_FIELD ? { ...w, value: hashValue(w.value) } : w))
    : where;

const hashFields = (row: unknown): unknown =>
  row && typeof row === 'object' && TOKEN_FIELD in row
    ? { ...row, [TOKEN_FIELD]: hashValue((row as Record<string, unknown>)[TOKEN_FIELD]) }
    : row;

/**
 * Better Auth's database adapter with session tokens stored only as their SHA-256: the `session`
 * table's `token` column holds hashes, so a copy of the database (a leaked backup) holds no live
 * credential. Every session query Better Auth makes names the token in a `where` clause, or writes
 * it in `create`/`update` data: those values are hashed on the way in. `create` hands back the raw
 * token (Better Auth signs it into the cookie); rows read back carry the hash, which is not a
 * credential. Troupe's own session lookup (http/authenticate.ts) hashes the cookie's token the
 * same way. Better Auth (1.7) has no option for this; the wrapper depends only on the adapter
 * interface (`model`, `where`, `data`, `update`), which its tests below pin down.
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
        const rewritten = {
          ...input,
          ...('where' in input ? { where: hashWhere(input.where) } : {}),
          ...('data' in input ? { data: hashFields(input.data) } : {}),
          ...('update' in input ? { update: hashFields(input.update) } : {}),
        };
        const result = await value.apply(target, [rewritten, ...args.slice(1)]);
        const raw = (input.data as Record<string, unknown> | undefined)?.[TOKEN_FIELD];
        if (prop === 'create' && result && typeof result === 'object' && typeof raw === 'string') {
          return { ...result, [TOKEN_FIELD]: raw };
        }
        return result;
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
