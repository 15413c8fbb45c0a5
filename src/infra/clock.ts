/** Milliseconds since the epoch. Tests pass a fake one to move time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
