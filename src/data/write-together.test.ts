import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkspace, dialects, signUp, startTestApp, type TestApp } from '../../test/harness.ts';
import { type AuditEntry, auditPart } from './audit.repo.ts';
import { inTransaction } from './db.ts';
import { upsertGrantPart } from './items.repo.ts';
import { findLastSeq, notificationsPart } from './notifications.repo.ts';
import { mailsPart } from './outbox.repo.ts';
import { statementPart, writeTogether } from './write-together.ts';

describe.each(dialects)('writeTogether on %s', (dialect) => {
  let app: TestApp;
  let ws: string;
  let u1: string;
  let u2: string;
  let owner: string;
  beforeEach(async () => {
    app = await startTestApp(dialect);
    const a = await signUp(app, { name: 'Ada' });
    const b = await signUp(app, { name: 'Bo' });
    [u1, u2] = [a.userId, b.userId].sort() as [string, string];
    owner = u1 === a.userId ? a.cookie : b.cookie;
    ws = (await createWorkspace(app, owner)).id;
  });
  afterEach(async () => {
    await app.close();
  });

  const db = () => app.troupe.data.db;
  const entry = (label: string, workspaceId = ws): AuditEntry => ({
    workspaceId,
    actor: { id: u1, label: 'Ada' },
    action: 'workspace.create',
    target: { type: 'workspace', id: workspaceId, label },
    after: { name: label },
  });
  const note = (userId: string, n: number) => ({
    userId,
    workspaceId: ws,
    kind: 'invitation_accepted',
    subjectId: null,
    data: { n, text: "quote ' and \\ and é" },
  });
  const count = async (table: 'audit_events' | 'mail_outbox' | 'notifications') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('writes every part in one transaction, numbering each user’s notifications after their last', async () => {
    const now = app.clock.now();
    const before = { audit: await count('audit_events'), mail: await count('mail_outbox') };
    const last1 = await findLastSeq(db(), u1);
    const last2 = await findLastSeq(db(), u2);
    const mail = { to: 'x@example.com', subject: 'Hi', text: 'plain', html: '<p>html</p>' };
    // Users out of order, one with two notifications.
    const notes = notificationsPart([note(u2, 1), note(u1, 2), note(u1, 3)], now);
    await inTransaction(db(), (tx) =>
      writeTogether(tx, [auditPart([entry('A'), entry('B')], now), mailsPart([mail], now), notes]),
    );
    expect(await count('audit_events')).toBe(before.audit + 2);
    expect(await count('mail_outbox')).toBe(before.mail + 1);
    const stored = await db()
      .selectFrom('notifications')
      .select(['id', 'user_id', 'seq', 'data', 'read_at'])
      .orderBy('user_id')
      .orderBy('seq')
      .execute();
    expect(stored.map((r) => [r.user_id, Number(r.seq), JSON.parse(r.data).n, r.read_at])).toEqual([
      [u1, last1 + 1, 2, null],
      [u1, last1 + 2, 3, null],
      [u2, last2 + 1, 1, null],
    ]);
    // What the part reports is what was stored.
    expect(notes.rows.map((r) => [r.id, r.user_id, r.seq])).toEqual(
      stored.map((r) => [r.id, r.user_id, Number(r.seq)]),
    );
    expect(JSON.parse(stored[0]?.data ?? '{}').text).toBe("quote ' and \\ and é");

    // The same shape again (the kept statement, new values) continues each user's numbers.
    const again = notificationsPart([note(u2, 4), note(u1, 5), note(u1, 6)], now);
    await inTransaction(db(), (tx) =>
      writeTogether(tx, [auditPart([entry('C'), entry('D')], now), mailsPart([mail], now), again]),
    );
    expect(again.rows.map((r) => [r.user_id, r.seq, JSON.parse(r.data).n])).toEqual([
      [u1, last1 + 3, 5],
      [u1, last1 + 4, 6],
      [u2, last2 + 2, 4],
    ]);
    expect(await findLastSeq(db(), u1)).toBe(last1 + 4);
  });

  it('is all or nothing: a part that fails leaves no row of any part, and no counter moved', async () => {
    const now = app.clock.now();
    const before = { audit: await count('audit_events'), notes: await count('notifications') };
    const last = await findLastSeq(db(), u1);
    await expect(
      inTransaction(db(), (tx) =>
        writeTogether(tx, [
          notificationsPart([note(u1, 1)], now),
          // No such workspace: the audit row's foreign key fails.
          auditPart([entry('ok'), entry('bad', 'no-such-workspace')], now),
        ]),
      ),
    ).rejects.toThrow(/foreign key|FOREIGN KEY/);
    expect(await count('audit_events')).toBe(before.audit);
    expect(await count('notifications')).toBe(before.notes);
    expect(await findLastSeq(db(), u1)).toBe(last);
  });

  it('as the last statement, commits with it on PostgreSQL; a failing last statement keeps nothing', async () => {
    const now = app.clock.now();
    const before = { audit: await count('audit_events'), notes: await count('notifications') };
    await inTransaction(db(), async (tx) => {
      const notes = notificationsPart([note(u1, 1)], now);
      await writeTogether(tx, [auditPart([entry('last')], now), notes], { last: true });
      expect(notes.rows).toHaveLength(1);
      // Another connection sees the rows before the transaction's callback returns on PostgreSQL
      // (the COMMIT went with the statement); on SQLite the transaction still holds them.
      if (dialect === 'postgres') expect(await count('audit_events')).toBe(before.audit + 1);
    });
    expect(await count('audit_events')).toBe(before.audit + 1);
    expect(await count('notifications')).toBe(before.notes + 1);
    await expect(
      inTransaction(db(), (tx) =>
        writeTogether(
          tx,
          [notificationsPart([note(u1, 2)], now), auditPart([entry('bad', 'no-such-workspace')], now)],
          {
            last: true,
          },
        ),
      ),
    ).rejects.toThrow(/foreign key|FOREIGN KEY/);
    expect(await count('audit_events')).toBe(before.audit + 1);
    expect(await count('notifications')).toBe(before.notes + 1);
  });

  it('skips empty parts, and refuses two parts that both answer rows', async () => {
    const now = app.clock.now();
    const empty = notificationsPart([], now);
    await inTransaction(db(), (tx) => writeTogether(tx, [auditPart([], now), empty]));
    expect(empty.rows).toEqual([]);
    if (dialect === 'postgres') {
      await expect(
        inTransaction(db(), (tx) =>
          writeTogether(tx, [notificationsPart([note(u1, 1)], now), notificationsPart([note(u2, 1)], now)]),
        ),
      ).rejects.toThrow(/at most one part/);
    }
  });

  it('writes a compiled statement (an upsert binding values twice) with rows of other tables', async () => {
    const now = app.clock.now();
    const item = await app.request({
      method: 'POST',
      url: `/api/workspaces/${ws}/items`,
      cookie: owner,
      body: { kind: 'draft', title: 'Cut' },
    });
    const itemId = item.json().id as string;
    const grant = (permission: 'view' | 'edit') =>
      upsertGrantPart(db(), { itemId, userId: u2, workspaceId: ws, permission, grantedBy: u1 }, now);
    const before = await count('audit_events');
    await inTransaction(db(), (tx) => writeTogether(tx, [auditPart([entry('A')], now), grant('view')]));
    await inTransaction(db(), (tx) => writeTogether(tx, [grant('edit'), auditPart([entry('B')], now)]));
    const grants = await db()
      .selectFrom('item_grants')
      .select(['user_id', 'permission'])
      .where('item_id', '=', itemId)
      .execute();
    expect(grants).toEqual([{ user_id: u2, permission: 'edit' }]);
    expect(await count('audit_events')).toBe(before + 2);
  });

  it.runIf(dialect === 'postgres')('refuses a statement whose placeholders it cannot renumber', async () => {
    const odd = statementPart('update workspaces set name = $2 where id = $1', ['x', 'y'], async () => {});
    await expect(inTransaction(db(), (tx) => writeTogether(tx, [odd]))).rejects.toThrow(/out of order/);
    const short = statementPart('update workspaces set name = $1 where id = $2', ['x'], async () => {});
    await expect(inTransaction(db(), (tx) => writeTogether(tx, [short]))).rejects.toThrow(
      /1 parameters but 2/,
    );
  });

  it('numbers many notifications right in a statement too large to keep, and in parts run alone', async () => {
    const now = app.clock.now();
    const last1 = await findLastSeq(db(), u1);
    const last2 = await findLastSeq(db(), u2);
    // 10 notifications: 84 parameters, more than a kept statement holds.
    const many = notificationsPart(
      Array.from({ length: 10 }, (_, i) => note(i % 3 === 0 ? u2 : u1, i)),
      now,
    );
    await inTransaction(db(), (tx) => writeTogether(tx, [many]));
    const seqsOf = (rows: { user_id: string; seq: number }[], user: string) =>
      rows.filter((r) => r.user_id === user).map((r) => Number(r.seq));
    expect(seqsOf(many.rows, u1)).toEqual([1, 2, 3, 4, 5, 6].map((k) => last1 + k));
    expect(seqsOf(many.rows, u2)).toEqual([1, 2, 3, 4].map((k) => last2 + k));
    // More than 30,000 parameters: each part alone (the audit rows in several inserts).
    const before = await count('audit_events');
    const entries = Array.from({ length: 2800 }, (_, i) => entry(`bulk ${i}`));
    const bulkNotes = notificationsPart([note(u1, 1), note(u2, 2)], now);
    await inTransaction(db(), (tx) => writeTogether(tx, [auditPart(entries, now), bulkNotes]));
    expect(await count('audit_events')).toBe(before + 2800);
    expect(bulkNotes.rows.map((r) => [r.user_id, r.seq])).toEqual([
      [u1, last1 + 7],
      [u2, last2 + 5],
    ]);
    const stored = await db()
      .selectFrom('notifications')
      .select(['user_id', 'seq'])
      .orderBy('user_id')
      .orderBy('seq')
      .execute();
    expect(seqsOf(stored, u1).filter((q) => q > last1)).toEqual([1, 2, 3, 4, 5, 6, 7].map((k) => last1 + k));
  });

  it.runIf(dialect === 'postgres')('sends one statement to PostgreSQL for all the parts', async () => {
    const now = app.clock.now();
    const mail = { to: 'y@example.com', subject: 'Hi', text: 't', html: 'h' };
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      await inTransaction(db(), async (tx) => {
        spy.mockClear();
        await writeTogether(tx, [
          auditPart([entry('A')], now),
          mailsPart([mail], now),
          notificationsPart([note(u1, 1)], now),
        ]);
        expect(spy).toHaveBeenCalledTimes(1);
      });
    } finally {
      spy.mockRestore();
    }
  });
});
