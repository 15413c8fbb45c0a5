import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { scratchDatabase } from '../../test/harness.ts';
import { openPostgres } from './db.ts';
import { notifyChannel } from './notifications.repo.ts';

// The notification bus's `send` (infra/bus.ts) on PostgreSQL: its payloads travel as one JSON array
// of strings in a statement compiled once; each must reach LISTEN exactly as it was given.
describe.skipIf(!process.env.TEST_DATABASE_URL)('notifyChannel on PostgreSQL', () => {
  it('delivers every payload verbatim and in order, whatever it holds', async () => {
    const scratch = await scratchDatabase('postgres');
    const data = openPostgres(scratch.url, { max: 2 });
    const listener = new pg.Client({ connectionString: scratch.url });
    try {
      await listener.connect();
      const received: string[] = [];
      listener.on('notification', (msg) => {
        if (msg.channel === 'troupe_test') received.push(msg.payload ?? '');
      });
      await listener.query('LISTEN troupe_test');
      const payloads = [
        '{"o":"a","e":[["u",1,"w","{\\"name\\":\\"Zoë \\\\\\"Q\\\\\\" O\'Brien\\"}"]]}',
        'back\\slash, "quotes", a tab\there, a new\nline, \\u0000 written out, emoji 🎬, 日本語',
        '[]',
      ];
      await notifyChannel(data.db, 'troupe_test', payloads);
      await notifyChannel(data.db, 'troupe_test', ['one more']);
      await expect.poll(() => received.length).toBe(4);
      expect(received).toEqual([...payloads, 'one more']);
    } finally {
      await listener.end();
      await data.close();
      await scratch.drop();
    }
  });
});
