import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/data/migrations.ts';
import { dialects, invite, useAdminWorkspace } from './harness.ts';

describe.each(dialects)('migrations on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect);

  it('a later migration may write rows of the tables with deferred triggers, then alter those tables', async () => {
    const db = fx.app.troupe.data.db;
    const created = await fx.app.request({
      method: 'POST',
      url: `/api/workspaces/${fx.ws.id}/items`,
      cookie: fx.admin.cookie,
      body: { kind: 'draft', title: 'Before' },
    });
    expect(created.statusCode).toBe(201);
    expect((await invite(fx.app, fx.admin.cookie, fx.ws.id, ['bea@example.com'])).statusCode).toBe(201);
    const version = async () =>
      Number(
        (
          await db
            .selectFrom('workspaces')
            .select('items_version')
            .where('id', '=', fx.ws.id)
            .executeTakeFirstOrThrow()
        ).items_version,
      );
    const before = await version();
    // On PostgreSQL the writes queue deferred trigger events (migrations 0045, 0046) in the one
    // transaction all pending migrations run in; an ALTER of the same table after them fails
    // unless those events have fired.
    await migrateToLatest(db, {
      '9990_test_write_then_alter': {
        async up(m) {
          await m.updateTable('items').set({ title: 'After' }).execute();
          await m.updateTable('invitations').set({ role: 'viewer' }).execute();
          await sql`ALTER TABLE items ADD COLUMN probe integer`.execute(m);
          await sql`ALTER TABLE invitations ADD COLUMN probe integer`.execute(m);
        },
      },
    });
    const item = await db
      .selectFrom('items')
      .select(['title'])
      .where('id', '=', created.json().id)
      .executeTakeFirstOrThrow();
    expect(item.title).toBe('After');
    // The rule the deferred trigger keeps still held: the rename bumped the items version.
    expect(await version()).toBeGreaterThan(before);
    await sql`SELECT items.probe, invitations.probe FROM items, invitations`.execute(db);
  });
});
