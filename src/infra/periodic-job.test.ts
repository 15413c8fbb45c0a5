import { describe, expect, it } from 'vitest';
import { JobStopped, startPeriodicJob } from './periodic-job.ts';

/** A promise settled from outside. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** A job whose runs wait until the test settles them; `runs` lists them in the order they started. */
function heldJob(intervalMs = 60_000) {
  const runs: ReturnType<typeof deferred<number>>[] = [];
  const errors: unknown[] = [];
  const seenStopped: boolean[] = [];
  const job = startPeriodicJob(
    (stopped) => {
      seenStopped.push(stopped());
      const run = deferred<number>();
      runs.push(run);
      return run.promise.finally(() => seenStopped.push(stopped()));
    },
    { intervalMs, onError: (err) => errors.push(err) },
  );
  return { job, runs, errors, seenStopped };
}

const turn = () => new Promise((r) => setImmediate(r));

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('startPeriodicJob', () => {
  it('runs at once when idle and answers the run’s result', async () => {
    const { job, runs } = heldJob();
    const answer = job.runOnce();
    expect(runs).toHaveLength(1);
    runs[0]?.resolve(7);
    expect(await answer).toBe(7);
    await job.stop();
  });

  it('asked during a run: one more run after it, shared by every call made meanwhile', async () => {
    const { job, runs } = heldJob();
    const first = job.runOnce();
    const second = job.runOnce();
    const third = job.runOnce();
    await turn();
    expect(runs).toHaveLength(1); // nothing overlaps the current run
    runs[0]?.resolve(1);
    expect(await first).toBe(1);
    await until(() => runs.length === 2, 'the queued run');
    runs[1]?.resolve(2);
    expect(await second).toBe(2);
    expect(await third).toBe(2);
    await turn();
    expect(runs).toHaveLength(2);
    await job.stop();
  });

  it('a failed run rejects its callers and the next call runs again; a nudged failure goes to onError', async () => {
    const { job, runs, errors } = heldJob();
    const failing = job.runOnce();
    runs[0]?.reject(new Error('disk gone'));
    await expect(failing).rejects.toThrow('disk gone');
    const again = job.runOnce();
    expect(runs).toHaveLength(2);
    runs[1]?.resolve(3);
    expect(await again).toBe(3);

    job.nudge();
    await until(() => runs.length === 3, 'the nudged run');
    runs[2]?.reject(new Error('still gone'));
    await until(() => errors.length === 1, 'the reported failure');
    expect(String(errors[0])).toContain('still gone');
    await job.stop();
  });

  it('runs on its own every interval', async () => {
    const { job, runs } = heldJob(10);
    await until(() => runs.length >= 1, 'a timed run');
    runs[0]?.resolve(0);
    await until(() => runs.length >= 2, 'a second timed run');
    runs[1]?.resolve(0);
    await job.stop();
  });

  it('stop waits for the run under way, tells it, and starts no other: the queued one is refused', async () => {
    const { job, runs, seenStopped, errors } = heldJob(10);
    const current = job.runOnce();
    const queued = job.runOnce();
    job.nudge(); // shares the queued run
    let stoppedYet = false;
    const stopping = job.stop().then(() => {
      stoppedYet = true;
    });
    await turn();
    expect(stoppedYet).toBe(false);
    runs[0]?.resolve(1);
    expect(await current).toBe(1);
    await expect(queued).rejects.toBeInstanceOf(JobStopped);
    await stopping;
    expect(seenStopped).toEqual([false, true]);
    await expect(job.runOnce()).rejects.toBeInstanceOf(JobStopped);
    job.nudge();
    await new Promise((r) => setTimeout(r, 40)); // four intervals
    expect(runs).toHaveLength(1);
    expect(errors).toEqual([]); // a refused run is not a failure
  });
});
