/** The parts of a V8 .cpuprofile that bench/profile-summary.ts reads. */
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * Each node's self time (µs) from the samples taken between `fromUs` and `toUs` after the profile
 * started (a sample is at the sum of the time deltas up to it), and the busy (not idle) µs of every
 * whole second of the profile, to find where a measurement ran.
 */
export function sampleTimes(
  profile: Profile,
  window: { fromUs?: number; toUs?: number } = {},
): { selfUs: Map<number, number>; busyBySecond: number[] } {
  const fromUs = window.fromUs ?? 0;
  const toUs = window.toUs ?? Number.POSITIVE_INFINITY;
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const busyBySecond: number[] = [];
  const selfUs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (!idle.has(id)) {
      const second = Math.floor(at / 1e6);
      for (let s = busyBySecond.length; s < second; s++) busyBySecond[s] = 0;
      busyBySecond[second] = (busyBySecond[second] ?? 0) + delta;
    }
    if (at < fromUs || at > toUs) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  return { selfUs, busyBySecond };
}
