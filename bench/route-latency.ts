/**
 * The product server's own latency by route, from its log (`npm run bench -- --server-log <prefix>`,
 * which runs it at `--log-level info`: a line when a request comes in, one with its `responseTime`
 * when it is answered):
 *   npm run bench:routes -- <prefix>-postgres.log [--match mixed]
 * The log is split into sections at the bench's marks (`GET /bench/mark/<scenario>-c<n>-r<round>`,
 * one before each measurement); for each section (or those whose name contains --match), every
 * route's count and p50 / p90 / p99 / max in ms, most requests first, then the section as a whole
 * (routes as bench/server-log.ts names them: ids as `:id`). The time is the server's, from the
 * request read to the response written: the load generator's own queue is not in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { percentile } from './lib.ts';
import { routeLatencies } from './server-log.ts';

const { values, positionals } = parseArgs({
  options: { match: { type: 'string' } },
  allowPositionals: true,
});
const file = positionals[0];
if (!file) {
  console.error('usage: npm run bench:routes -- <server log> [--match <section name part>]');
  process.exit(2);
}

if (!existsSync(file)) {
  console.error(
    `${file}: no such file (npm run bench -- --server-log <prefix> writes <prefix>-<dialect>.log)`,
  );
  process.exit(2);
}

const sections = routeLatencies(readFileSync(file, 'utf8'));

const ms = (v: number) => v.toFixed(1).padStart(7);
const row = (count: number, sorted: number[], name: string) =>
  `${String(count).padStart(7)} ${ms(percentile(sorted, 50))} ${ms(percentile(sorted, 90))} ${ms(percentile(sorted, 99))} ${ms(sorted[sorted.length - 1] ?? 0)}  ${name}`;

let shown = 0;
for (const s of sections) {
  if (s.byRoute.size === 0 || (values.match && !s.name.includes(values.match))) continue;
  shown++;
  console.log(`\n${s.name}\n  count     p50     p90     p99     max  route (ms, the server's responseTime)`);
  const all: number[] = [];
  for (const [route, times] of [...s.byRoute].sort((a, b) => b[1].length - a[1].length)) {
    all.push(...times);
    console.log(row(times.length, times, route));
  }
  all.sort((a, b) => a - b);
  console.log(row(all.length, all, '(all)'));
}
if (shown === 0) {
  console.error(
    `${file}: no requests${values.match ? ` in a section matching "${values.match}"` : ''} (was the server at --log-level info?)`,
  );
  process.exit(1);
}
