/**
 * `npm run bench:report`: the dashboard at the top of docs/BENCHMARKS.md, from the last
 * `npm run bench` run (bench/results/latest.json, or the file given): the figures against the
 * issue's targets on both databases, then every scenario's figures. Replaces what is between the
 * `<!-- bench:summary -->` markers; `--print` writes the table to stdout instead.
 *
 *   node --import tsx bench/report.ts [results.json] [--print]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resultsDir, root } from './lib.ts';

interface Figure {
  route: string;
  connections: number;
  round: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p95: number; p99: number };
  errors: number;
  serverCpuUs: number | null;
  dbCpuUs: number | null;
  loadAvg: [number, number];
}
interface Target {
  what: string;
  target: string;
  value: number | null;
  unit: 'x' | 'ms' | 'errors';
  met: boolean | null;
  cpuRatio?: number | null;
}
interface Run {
  date: string;
  finishedAt: string;
  seconds: number;
  command: string;
  git: { commit: string; srcChanged: boolean; changedDuringRun?: boolean } | null;
  machine: { cpus: number; cpuModel: string; node: string };
  loadAvgAtStart: number[];
  loadAvgAtEnd: number[];
  options: { durationS: number; rounds: number; members: number; connections: number[] };
  results: {
    dialect: 'sqlite' | 'postgres';
    figures: Figure[];
    loops: {
      scenario: string;
      calls: number;
      ms: { p50: number; p95: number; p99: number };
      /** CPU µs an iteration (both calls); absent in runs before they were measured. */
      serverCpuUs?: number | null;
      dbCpuUs?: number | null;
      loadAvg: [number, number];
    }[];
    targets: Target[];
  }[];
}

const START = '<!-- bench:summary:start -->';
const END = '<!-- bench:summary:end -->';
const NAMES: Record<string, string> = {
  bare: 'bare floor: Fastify + prepared PK select',
  baseline: "product's one-PK route",
  me: '`GET /api/me`',
  'item-cookie': 'item read, cookie',
  'item-key': 'item read, API key',
  folder: 'folder page (60 items, first 50), cache hit',
  'folder-miss': 'folder page, built (new cursor each request)',
  shared: 'shared with me (40 items), cache hit',
  'shared-miss': 'shared with me, built (new cursor each request)',
  'members-hit': 'members page, cache hit',
  'members-miss': 'members page, new search term each request',
  mixed: 'mixed: 90% reads, 10% writes',
};

function render(run: Run): string {
  const db = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;
  const out: string[] = [];
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
  out.push(
    `Last run: ${run.date.slice(0, 16).replace('T', ' ')} UTC, ${run.seconds} s, commit \`${run.git?.commit ?? '?'}\`` +
      `${run.git?.srcChanged ? ' (src/ changed)' : ''}` +
      `${run.git?.changedDuringRun ? ' (src/ changed during the run)' : ''}, \`${run.command}\`; ${run.machine.cpus} cores ` +
      `(${run.machine.cpuModel.trim()}), Node ${run.machine.node}; load average (1/5/15 min) ` +
      `${load(run.loadAvgAtStart)} at the start, ${load(run.loadAvgAtEnd)} at the end. ` +
      `${run.options.durationS} s per figure, ${run.options.rounds} round(s), ${run.options.members.toLocaleString('en')} members. ` +
      'Ratios are req/s ÷ a floor measured in the same round, 50 connections; in brackets the same ratio by ' +
      "CPU per request (the floor's ÷ the scenario's, server + database), which a busy machine disturbs less.",
    '',
  );
  // Targets: one row per target, a column per database.
  const whats: string[] = [];
  for (const r of run.results) for (const t of r.targets) if (!whats.includes(t.what)) whats.push(t.what);
  out.push(
    `| target | goal | ${run.results.map((r) => db[r.dialect]).join(' | ')} |`,
    `|---|---|${run.results.map(() => '---:').join('|')}|`,
  );
  for (const what of whats) {
    const goal = run.results.flatMap((r) => r.targets).find((t) => t.what === what)?.target ?? '';
    const cells = run.results.map((r) => {
      const t = r.targets.find((x) => x.what === what);
      if (!t || t.value === null) return '—';
      const v =
        t.unit === 'x'
          ? `${t.value.toFixed(2)}x`
          : t.unit === 'ms'
            ? `${t.value.toFixed(2)} ms`
            : String(t.value);
      const cpu = t.cpuRatio ? ` (CPU ${t.cpuRatio.toFixed(2)}x)` : '';
      return t.met ? `${v} ✓${cpu}` : `**${v} ✗**${cpu}`;
    });
    out.push(`| ${what} | ${goal} | ${cells.join(' | ')} |`);
  }
  out.push('');
  // Every figure.
  out.push(
    '| database | conns | scenario | req/s | p50 ms | p95 ms | p99 ms | CPU µs/req (server + db) | ÷ bare | ÷ one-PK | load |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of run.results) {
    const conns = [...new Set(r.figures.map((f) => f.connections))];
    for (const c of conns) {
      const of = (route: string) => {
        const runs = r.figures.filter((f) => f.route === route && f.connections === c && f.round > 0);
        runs.sort((a, b) => a.requestsPerSec - b.requestsPerSec);
        return runs[Math.floor((runs.length - 1) / 2)];
      };
      const ratio = (route: string, floor: string) => {
        const rs: number[] = [];
        for (const f of r.figures.filter((x) => x.route === route && x.connections === c)) {
          const b = r.figures.find((x) => x.route === floor && x.connections === c && x.round === f.round);
          if (b) rs.push(f.requestsPerSec / b.requestsPerSec);
        }
        rs.sort((a, b) => a - b);
        const m = rs[Math.floor((rs.length - 1) / 2)];
        return m === undefined ? '' : `${m.toFixed(2)}x`;
      };
      for (const route of Object.keys(NAMES)) {
        const f = of(route);
        if (!f) continue;
        out.push(
          `| ${db[r.dialect]} | ${c} | ${NAMES[route]} | ${f.requestsPerSec} | ${f.latencyMs.p50.toFixed(2)} | ` +
            `${f.latencyMs.p95.toFixed(2)} | ${f.latencyMs.p99.toFixed(2)} | ${f.serverCpuUs ?? '?'}` +
            `${f.dbCpuUs !== null ? ` + ${f.dbCpuUs}` : ''} | ${route === 'bare' ? '' : ratio(route, 'bare')} | ` +
            `${route === 'bare' || route === 'baseline' ? '' : ratio(route, 'baseline')} | ${f.loadAvg[0].toFixed(1)} |` +
            (f.errors ? ` ${f.errors} errors` : ''),
        );
      }
    }
    for (const l of r.loops)
      out.push(
        `| ${db[r.dialect]} | 1 | ${l.scenario === 'invite' ? 'invite + accept over HTTP (two calls)' : 'members page after a role change'} ` +
          `(${l.calls} in a row; CPU a pair of calls) | | ${l.ms.p50.toFixed(2)} | ${l.ms.p95.toFixed(2)} | ${l.ms.p99.toFixed(2)} | ` +
          `${l.serverCpuUs ?? ''}${l.dbCpuUs != null ? ` + ${l.dbCpuUs}` : ''} | | | ${l.loadAvg[0].toFixed(1)} |`,
      );
  }
  return out.join('\n');
}

const { values, positionals } = parseArgs({
  options: { print: { type: 'boolean' } },
  allowPositionals: true,
});
const file = positionals[0] ?? join(resultsDir, 'latest.json');
const table = render(JSON.parse(readFileSync(file, 'utf8')) as Run);
if (values.print) {
  console.log(table);
} else {
  const docPath = join(root, 'docs/BENCHMARKS.md');
  const doc = readFileSync(docPath, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/BENCHMARKS.md has no ${START} … ${END} section`);
  writeFileSync(docPath, `${doc.slice(0, a + START.length)}\n${table}\n${doc.slice(b)}`);
  console.log(`docs/BENCHMARKS.md: summary replaced from ${file}`);
}
