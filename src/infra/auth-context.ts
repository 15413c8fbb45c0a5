import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Better Auth keeps the state of the request it is handling in AsyncLocalStorage. On Node before 24
 * an AsyncLocalStorage that has run once installs a promise hook for the rest of the process's
 * life, so every promise of every request (a members page, an item read), not only the auth ones,
 * paid for it: about 10 µs of CPU a request in `npm run bench` (docs/BENCHMARKS.md). Those stores are
 * only read while one of Better Auth's handlers runs (it awaits its own background work: we set no
 * `backgroundTasks` handler), so `withAuthContext` turns them off whenever no such call is in
 * flight; the next call's `run()` turns them on again. Node 24's AsyncLocalStorage (built on
 * AsyncContextFrame) has no hook to turn off, and is left alone.
 */
const usesPromiseHooks = Number(process.versions.node.split('.')[0]) < 24;
const BETTER_AUTH_GLOBAL = Symbol.for('better-auth:global');
let inFlight = 0;

/** Better Auth's AsyncLocalStorage instances (request state, endpoint context, adapter transaction). */
export function betterAuthStores(): AsyncLocalStorage<unknown>[] {
  const global = (globalThis as Record<symbol, { context?: Record<string, unknown> } | undefined>)[
    BETTER_AUTH_GLOBAL
  ];
  return Object.values(global?.context ?? {}).filter(
    (v): v is AsyncLocalStorage<unknown> => v instanceof AsyncLocalStorage,
  );
}

/** Runs one Better Auth call; when it was the last in flight, its stores are disabled. */
export async function withAuthContext<T>(call: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await call();
  } finally {
    inFlight--;
    if (inFlight === 0 && usesPromiseHooks) for (const store of betterAuthStores()) store.disable();
  }
}
