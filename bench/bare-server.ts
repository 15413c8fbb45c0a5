/**
 * The bare floor of `npm run bench`: Fastify with no plugins, no logger and no hooks, and one
 * route, GET /bare/:id, answering one prepared primary-key select of a `workspaces` row on the
 * product's own database (better-sqlite3 statement prepared once; on PostgreSQL a named prepared
 * statement on a pg pool of 10). No product code. Started by bench/run.ts like bench/server.ts
 * (DATABASE_URL, PORT in its env; one JSON ready line; exits when stdin closes or on SIGTERM).
 */
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';

const url = process.env.DATABASE_URL ?? '';
const port = Number(process.env.PORT);
const SQL = 'SELECT * FROM workspaces WHERE id = ?';

let select: (id: string) => Promise<unknown>;
let close: () => Promise<void>;
if (url.startsWith('sqlite:')) {
  const db = new SQLite(url.slice('sqlite:'.length));
  db.exec('PRAGMA busy_timeout = 5000');
  const stmt = db.prepare(SQL);
  select = async (id) => stmt.get(id);
  close = async () => {
    db.close();
  };
} else {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const text = SQL.replace('?', '$1');
  select = async (id) => (await pool.query({ name: 'bare_workspace', text, values: [id] })).rows[0];
  close = () => pool.end();
}

const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/bare/:id', async (req, reply) => {
  const row = await select(req.params.id);
  if (!row) return reply.code(404).send({ code: 'not_found' });
  return row;
});

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await app.close().catch(() => {});
  await close().catch(() => {});
  process.exit(0); // a clean exit writes --cpu-prof profiles
};
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.on('error', () => void shutdown());
process.stdin.resume();
setTimeout(() => void shutdown(), (Number(process.env.BENCH_MAX_SECONDS) || 1800) * 1000).unref();

const address = await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: true, address, pid: process.pid })}\n`);
