/**
 * Summarises a V8 .cpuprofile written by `npm run bench -- --cpu-prof`:
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 30] [--match <substring>]
 *     [--from <s>] [--to <s>] [--timeline]
 * Prints self time by package/area, the functions with the most self time, and the functions with
 * the most inclusive time (optionally only those whose name or file contains --match).
 * `--from`/`--to` keep only the samples between those seconds of the profile (one measurement of a
 * run: the server is profiled from its start to its end); `--timeline` prints the busy (not idle)
 * milliseconds of each second first, to find them.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Profile, type ProfileNode, sampleTimes } from './profile-window.ts';

const { values, positionals } = parseArgs({
  options: {
    top: { type: 'string' },
    match: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    timeline: { type: 'boolean' },
  },
  allowPositionals: true,
});
const file = positionals[0];
if (!file) {
  console.error(
    'usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top N] [--match text] [--from s] [--to s] [--timeline]',
  );
  process.exit(2);
}
const top = Number(values.top ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const { selfUs, busyBySecond } = sampleTimes(profile, {
  fromUs: values.from === undefined ? undefined : Number(values.from) * 1e6,
  toUs: values.to === undefined ? undefined : Number(values.to) * 1e6,
});
if (values.timeline) {
  console.log('Busy ms in each second of the profile');
  for (let second = 0; second < busyBySecond.length; second++)
    console.log(
      `${String(second).padStart(5)} s  ${((busyBySecond[second] ?? 0) / 1000).toFixed(0).padStart(5)} ms`,
    );
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const src = url.search(/\/(src|bench|test)\//);
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}
function area(n: ProfileNode): string {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native/builtin)';
  if (url.startsWith('node:')) return url;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  return shortUrl(url);
}
const key = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'}  ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
function print(title: string, entries: [string, number][]) {
  console.log(`\n${title}`);
  for (const [name, us] of entries.sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(us)} ${ms(us)}  ${name}`);
}

const byArea = new Map<string, number>();
const selfByFn = new Map<string, number>();
const inclByFn = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  if (!n) continue;
  byArea.set(area(n), (byArea.get(area(n)) ?? 0) + us);
  selfByFn.set(key(n), (selfByFn.get(key(n)) ?? 0) + us);
  // Inclusive: credit every distinct function on the stack once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const node = byId.get(cur);
    if (!node) break;
    const k = key(node);
    if (seen.has(k)) continue;
    seen.add(k);
    inclByFn.set(k, (inclByFn.get(k) ?? 0) + us);
  }
}

console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s sampled`);
print('Self time by package / file', [...byArea]);
print('Self time by function', [...selfByFn]);
const match = values.match;
print(
  `Inclusive time by function${match ? ` (matching "${match}")` : ''}`,
  [...inclByFn].filter(([k]) => !match || k.includes(match)),
);
