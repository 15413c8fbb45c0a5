import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  claimInvitation,
  findInvitees,
  renewInvitation,
  revokeInvitation,
} from '../src/data/invitations.repo.ts';
import {
  closePendingJoinRequest,
  decideJoinRequest,
  findPendingJoinRequest,
  listPendingJoinRequests,
  renewJoinRequest,
} from '../src/data/join-requests.repo.ts';
import { insertMembership, refreshMemberName } from '../src/data/members.repo.ts';
import type { Database } from '../src/data/schema.ts';
import { keepUntilExit } from '../src/data/sqlite-keep.ts';
import { startTestApp } from './harness.ts';

describe('queries on pending invitations and join requests', () => {
  it("write status = 'pending' into the SQL text, so the partial indexes serve them (src/data/pending.ts)", async () => {
    const app = await startTestApp('sqlite');
    // Kept, not dropped, with every statement Kysely prepares on it (src/data/sqlite-keep.ts).
    const sqlite = keepUntilExit(new SQLite(app.config.sqlitePath));
    try {
      // Rows that point nowhere are fine here: only the SQL text is looked at.
      sqlite.exec('PRAGMA foreign_keys = OFF');
      const seen: string[] = [];
      const db = new Kysely<Database>({
        dialect: new SqliteDialect({
          database: {
            prepare: (text: string) => keepUntilExit(sqlite.prepare(text)),
            close: () => sqlite.close(),
          },
        }),
        log: (e) => void seen.push(e.query.sql),
      });
      await findInvitees(db, 'w', ['a@example.com']);
      await claimInvitation(db, 'sqlite', 'hash', 'u', 'a@example.com', 0);
      await renewInvitation(db, 'w', 'i', { tokenHash: 'hash', expiresAt: 1, invitedBy: 'u' }, 0, {
        role: 'viewer',
        expiredAt: 0,
      });
      await revokeInvitation(db, 'w', 'i', 0);
      await findPendingJoinRequest(db, 'w', 'u');
      await renewJoinRequest(db, 'w', 'r', {
        role: 'viewer',
        name: 'N',
        sortKey: 'n',
        createdAt: 0,
        expiresAt: 1,
      });
      await decideJoinRequest(db, 'w', 'r', 'approved', 'u', 0);
      await listPendingJoinRequests(db, 'w', { before: null, limit: 10, now: 0 });
      await closePendingJoinRequest(db, 'w', 'u', 0);
      await insertMembership(
        db,
        { workspaceId: 'w', userId: 'u', role: 'viewer', email: 'a@example.com', name: 'A', sortKey: 'a' },
        0,
      );
      await refreshMemberName(db, 'u', 'B', 'b');
      const onPending = seen.filter((s) => /"(invitations|join_requests)"/.test(s) && /"status" = /.test(s));
      expect(onPending.length).toBeGreaterThanOrEqual(10);
      for (const s of onPending) {
        // Setting a status (`set "status" = ?`) may be bound; testing for pending may not.
        expect(s, s).not.toMatch(/where .*"status" = \?/);
        expect(s, s).toMatch(/"status" = 'pending'/);
      }
    } finally {
      sqlite.close();
      await app.close();
    }
  });
});
