/**
 * A background job of this process (the outbox's deliveries, the storage sweeper, the trash purge):
 * one run at a time, every `intervalMs` (the timer does not keep the process alive), and on demand.
 *
 * - `runOnce()` answers the result of a run that starts at or after the call: at once when none is
 *   running, else the one queued behind the current run, which every call made meanwhile shares
 *   (asking twice while a run is under way makes one more run, not two).
 * - `nudge()` asks for such a run soon (after the current turn of the event loop), its failure
 *   reported to `onError` as a timer's run's is.
 * - `stop()` ends the timer, waits for the run under way (`work` is given `stopped()` to end a long
 *   run early) and starts no other: a run queued behind it, and any asked for later, is refused
 *   with `JobStopped` (shutting down, the work is left to the next start or another node).
 */
export class JobStopped extends Error {
  constructor() {
    super('the background job was stopped before this run started');
  }
}

export interface PeriodicJob<T> {
  runOnce(): Promise<T>;
  nudge(): void;
  stop(): Promise<void>;
}

export function startPeriodicJob<T>(
  work: (stopped: () => boolean) => Promise<T>,
  opts: { intervalMs: number; onError: (err: unknown) => void },
): PeriodicJob<T> {
  let current: Promise<T> | null = null;
  let queued: Promise<T> | null = null;
  let stopped = false;
  const isStopped = () => stopped;

  const start = (): Promise<T> => {
    const run = work(isStopped);
    current = run;
    const done = () => {
      if (current === run) current = null;
    };
    run.then(done, done);
    return run;
  };
  const runOnce = (): Promise<T> => {
    if (stopped) return Promise.reject(new JobStopped());
    if (!current) return start();
    if (!queued) {
      queued = current
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => {
          queued = null;
          if (stopped) throw new JobStopped();
          return start();
        });
    }
    return queued;
  };
  const tick = () => {
    runOnce().catch((err) => {
      if (!(err instanceof JobStopped)) opts.onError(err);
    });
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  return {
    runOnce,
    nudge: () => {
      setImmediate(tick);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current?.catch(() => undefined);
      await queued?.catch(() => undefined);
    },
  };
}
