import { createHash } from 'node:crypto';
import { type Kysely, type Migration, Migrator, PostgresAdapter, sql } from 'kysely';
import { MEMBERS_SEARCH_RANGE as SEARCH_RANGE } from './schema.ts';

/**
 * Troupe's own schema, one migration set for both dialects (Better Auth's tables are created
 * before these by its `getMigrations`). Add a new entry for every change; never edit a shipped one.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the untyped schema of their day
type AnyDb = Kysely<any>;

const members: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('invitations')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('email', 'varchar(254)', (c) => c.notNull())
      .addColumn('role', 'varchar(20)', (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('status', 'varchar(10)', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('invited_by', 'varchar(64)', (c) => c.references('user.id').onDelete('set null'))
      .addColumn('accepted_by', 'varchar(64)', (c) => c.references('user.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('invitations_status', sql`status IN ('pending', 'accepted', 'revoked')`)
      .addCheckConstraint('invitations_role', sql`role IN ('super_admin', 'developer', 'creator', 'viewer')`)
      .execute();
    // At most one live invitation per address and workspace.
    await db.schema
      .createIndex('invitations_pending_uniq')
      .on('invitations')
      .columns(['workspace_id', 'email'])
      .unique()
      .where(sql.ref('status'), '=', 'pending')
      .execute();

    await db.schema
      .createTable('join_requests')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('email', 'varchar(254)', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('sort_key', 'text', (c) => c.notNull())
      .addColumn('role', 'varchar(20)', (c) => c.notNull())
      .addColumn('status', 'varchar(10)', (c) => c.notNull())
      .addColumn('decided_by', 'varchar(64)', (c) => c.references('user.id').onDelete('set null'))
      .addColumn('decided_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('join_requests_status', sql`status IN ('pending', 'approved', 'denied')`)
      .execute();
    await db.schema
      .createIndex('join_requests_pending_uniq')
      .on('join_requests')
      .columns(['workspace_id', 'user_id'])
      .unique()
      .where(sql.ref('status'), '=', 'pending')
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('prefix', 'varchar(32)', (c) => c.notNull())
      .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('expires_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('api_keys_ws_idx')
      .on('api_keys')
      .columns(['workspace_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('seat_purchases')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('actor_id', 'varchar(64)', (c) => c.references('user.id').onDelete('set null'))
      .addColumn('seats_before', 'integer', (c) => c.notNull())
      .addColumn('seats_after', 'integer', (c) => c.notNull())
      .addColumn('provider', 'varchar(40)', (c) => c.notNull())
      .addColumn('provider_ref', 'varchar(200)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('seat_purchases_ws_idx')
      .on('seat_purchases')
      .columns(['workspace_id', 'id'])
      .execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('actor_id', 'varchar(64)')
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('action', 'varchar(40)', (c) => c.notNull())
      .addColumn('target_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('target_id', 'varchar(64)')
      .addColumn('target_label', 'text', (c) => c.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_events_ws_idx')
      .on('audit_events')
      .columns(['workspace_id', 'id'])
      .execute();
    await db.schema
      .createIndex('audit_events_ws_action_idx')
      .on('audit_events')
      .columns(['workspace_id', 'action', 'id'])
      .execute();
  },
};

const items: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('items')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('kind', 'varchar(10)', (c) => c.notNull())
      .addColumn('title', 'varchar(200)', (c) => c.notNull())
      // Folders first, then by title, case-insensitively.
      .addColumn('kind_rank', 'integer', (c) => c.notNull())
      .addColumn('title_key', 'varchar(200)', (c) => c.notNull())
      .addColumn('parent_id', 'varchar(64)', (c) => c.references('items.id').onDelete('cascade'))
      .addColumn('owner_id', 'varchar(64)', (c) => c.notNull().references('user.id'))
      .addColumn('general_access', 'varchar(10)', (c) => c.notNull())
      .addColumn('workspace_permission', 'varchar(4)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('items_kind', sql`kind IN ('folder', 'draft', 'video', 'avatar', 'voice')`)
      .addCheckConstraint('items_general_access', sql`general_access IN ('only_me', 'selected', 'workspace')`)
      .addCheckConstraint('items_workspace_permission', sql`workspace_permission IN ('view', 'edit')`)
      .execute();
    await db.schema
      .createIndex('items_by_name_idx')
      .on('items')
      .columns(['workspace_id', 'parent_id', 'kind_rank', 'title_key', 'id'])
      .execute();
    await db.schema
      .createIndex('items_by_date_idx')
      .on('items')
      .columns(['workspace_id', 'parent_id', 'created_at', 'id'])
      .execute();
    await db.schema.createIndex('items_parent_idx').on('items').columns(['parent_id']).execute();
    await db.schema
      .createIndex('items_owner_idx')
      .on('items')
      .columns(['workspace_id', 'owner_id'])
      .execute();

    await db.schema
      .createTable('item_grants')
      .addColumn('item_id', 'varchar(64)', (c) => c.notNull().references('items.id').onDelete('cascade'))
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('permission', 'varchar(4)', (c) => c.notNull())
      .addColumn('granted_by', 'varchar(64)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('item_grants_pk', ['item_id', 'user_id'])
      .addCheckConstraint('item_grants_permission', sql`permission IN ('view', 'edit')`)
      .execute();
    await db.schema
      .createIndex('item_grants_user_idx')
      .on('item_grants')
      .columns(['workspace_id', 'user_id', 'created_at', 'item_id'])
      .execute();
  },
};

/**
 * SQLite: triggers `<table>_<column>_insert|update|delete` that add 1 to `workspaces.<column>` of
 * the row's workspace after every insert, update and delete of a row of each table (each with a
 * workspace_id column). Migrations 0005 and 0044.
 */
async function sqliteRowBumps(
  db: AnyDb,
  tables: readonly string[],
  column: 'members_version' | 'items_version' | 'grants_version',
) {
  for (const table of tables) {
    for (const [op, row] of [
      ['INSERT', 'NEW'],
      ['UPDATE', 'OLD'],
      ['DELETE', 'OLD'],
    ] as const) {
      await sql`
        CREATE TRIGGER ${sql.raw(`${table}_${column}_${op.toLowerCase()}`)}
        AFTER ${sql.raw(op)} ON ${sql.table(table)}
        BEGIN
          UPDATE workspaces SET ${sql.raw(column)} = ${sql.raw(column)} + 1
            WHERE id = ${sql.raw(row)}.workspace_id;
        END`.execute(db);
    }
  }
}

/** The tables whose rows the members view shows (SPEC §4.1), each with a workspace_id column. */
const MEMBERS_VIEW_TABLES = ['memberships', 'invitations', 'join_requests'] as const;

/**
 * `workspaces.members_version`: a counter bumped in the same transaction as every change to what
 * the members view shows (its three tables and the workspace's seats). Triggers, so that no code
 * path can forget it: a members page cached under version v is exact for every reader who reads
 * version v, on any node.
 */
const membersVersion: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .alterTable('workspaces')
      .addColumn('members_version', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`
        CREATE FUNCTION troupe_bump_members_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE workspaces SET members_version = members_version + 1
            WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.workspace_id ELSE OLD.workspace_id END;
          RETURN NULL;
        END $$`.execute(db);
      for (const table of MEMBERS_VIEW_TABLES) {
        await sql`
          CREATE TRIGGER ${sql.raw(`${table}_members_version`)}
          AFTER INSERT OR UPDATE OR DELETE ON ${sql.table(table)}
          FOR EACH ROW EXECUTE FUNCTION troupe_bump_members_version()`.execute(db);
      }
      await sql`
        CREATE FUNCTION troupe_bump_members_version_on_seats() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.seat_limit <> OLD.seat_limit OR NEW.seats_used <> OLD.seats_used THEN
            NEW.members_version := OLD.members_version + 1;
          END IF;
          RETURN NEW;
        END $$`.execute(db);
      await sql`
        CREATE TRIGGER workspaces_members_version BEFORE UPDATE ON workspaces
        FOR EACH ROW EXECUTE FUNCTION troupe_bump_members_version_on_seats()`.execute(db);
    } else {
      await sqliteRowBumps(db, MEMBERS_VIEW_TABLES, 'members_version');
      await sql`
        CREATE TRIGGER workspaces_members_version AFTER UPDATE OF seat_limit, seats_used ON workspaces
        WHEN NEW.seat_limit <> OLD.seat_limit OR NEW.seats_used <> OLD.seats_used
        BEGIN
          UPDATE workspaces SET members_version = members_version + 1 WHERE id = NEW.id;
        END`.execute(db);
    }
  },
};

/** The tables whose rows the item listings show, each with a workspace_id column. */
const ITEM_LISTING_TABLES = ['items', 'item_grants'] as const;

/**
 * `workspaces.items_version`: a counter bumped in the same transaction as every change to what an
 * item listing shows (a folder, the root, "shared with me", "mine"): every insert, update and
 * delete of an item or a grant, and a member's new name (the owner names listings show). Triggers,
 * as for `members_version`, so that no code path can forget it: a listing cached under version v
 * (app/items/list-items.ts) is exact for every reader who reads v, on any node. On PostgreSQL one
 * bump per statement (its changed rows as a transition table: trashing a folder of 1,000 items
 * updates the workspace row once); SQLite's triggers are per row, and cheap there.
 */
const itemsVersion: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .alterTable('workspaces')
      .addColumn('items_version', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`
        CREATE FUNCTION troupe_bump_items_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE workspaces SET items_version = items_version + 1
            WHERE id IN (SELECT DISTINCT workspace_id FROM changed);
          RETURN NULL;
        END $$`.execute(db);
      for (const table of ITEM_LISTING_TABLES) {
        for (const [op, rows] of [
          ['INSERT', 'NEW'],
          ['UPDATE', 'NEW'],
          ['DELETE', 'OLD'],
        ] as const) {
          await sql`
            CREATE TRIGGER ${sql.raw(`${table}_items_version_${op.toLowerCase()}`)}
            AFTER ${sql.raw(op)} ON ${sql.table(table)}
            REFERENCING ${sql.raw(rows)} TABLE AS changed
            FOR EACH STATEMENT EXECUTE FUNCTION troupe_bump_items_version()`.execute(db);
        }
      }
      await sql`
        CREATE FUNCTION troupe_bump_items_version_on_name() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE workspaces SET items_version = items_version + 1 WHERE id = NEW.workspace_id;
          RETURN NULL;
        END $$`.execute(db);
      await sql`
        CREATE TRIGGER memberships_items_version AFTER UPDATE OF name ON memberships
        FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
        EXECUTE FUNCTION troupe_bump_items_version_on_name()`.execute(db);
    } else {
      await sqliteRowBumps(db, ITEM_LISTING_TABLES, 'items_version');
      await sql`
        CREATE TRIGGER memberships_items_version AFTER UPDATE OF name ON memberships
        WHEN OLD.name IS NOT NEW.name
        BEGIN
          UPDATE workspaces SET items_version = items_version + 1 WHERE id = NEW.workspace_id;
        END`.execute(db);
    }
  },
};

/**
 * Session tokens are stored only as SHA-256 hashes from now on (infra/session-token-hashing.ts):
 * hash the tokens of the sessions that exist, so nobody is signed out by the upgrade.
 */
const hashedSessionTokens: Migration = {
  async up(db: AnyDb) {
    const rows = await db.selectFrom('session').select(['id', 'token']).execute();
    for (const row of rows as { id: string; token: string }[]) {
      const hashed = createHash('sha256').update(row.token).digest('hex');
      await db.updateTable('session').set({ token: hashed }).where('id', '=', row.id).execute();
    }
  },
};

/**
 * The library root's listings, one index each for both sorts, holding only the root's items.
 * `parent_id IS NULL` is not an equality to PostgreSQL's planner, so it cannot use the order of
 * `items_by_name_idx` / `items_by_date_idx` (workspace_id, parent_id, ...) for the root: it read and
 * sorted every root item of the workspace for each page. Under these the root is one index range
 * in the page's order, like a folder.
 */
const itemsRootIndexes: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createIndex('items_root_by_name_idx')
      .on('items')
      .columns(['workspace_id', 'kind_rank', 'title_key', 'id'])
      .where(sql.ref('parent_id'), 'is', null)
      .execute();
    await db.schema
      .createIndex('items_root_by_date_idx')
      .on('items')
      .columns(['workspace_id', 'created_at', 'id'])
      .where(sql.ref('parent_id'), 'is', null)
      .execute();
  },
};

/**
 * Better Auth now stores verification identifiers hashed (`verification.storeIdentifier:
 * 'hashed'` in infra/auth.ts): the identifier `reset-password:<token>` is kept as the base64url
 * SHA-256 of it, as Better Auth's own hasher makes it. Hash the live reset tokens issued before,
 * so a copy of the database holds none, and their links keep working.
 */
const hashedVerificationIdentifiers: Migration = {
  async up(db: AnyDb) {
    const rows = await db
      .selectFrom('verification')
      .select(['id', 'identifier'])
      .where('identifier', 'like', 'reset-password:%')
      .execute();
    for (const row of rows as { id: string; identifier: string }[]) {
      const hashed = createHash('sha256').update(row.identifier, 'utf8').digest('base64url');
      await db.updateTable('verification').set({ identifier: hashed }).where('id', '=', row.id).execute();
    }
  },
};

/** A pending join request lapses after this long (SPEC leaves it open; docs/RULES.md). */
const JOIN_REQUEST_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * The invite link (SPEC §4.3): a row per workspace once a Super Admin changes its settings or it
 * is first used (until then its defaults apply). The token is never stored: it is derived from the
 * workspace id and `nonce` with the server's secret (app/invite-links); rotating draws a new
 * 128-bit nonce. Join requests get an expiry (14 days; existing ones count from their creation).
 */
const inviteLinks: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('invite_links')
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.primaryKey().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('nonce', 'varchar(64)', (c) => c.notNull().defaultTo(''))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('role', 'varchar(20)', (c) => c.notNull().defaultTo('viewer'))
      .addColumn('expires_at', 'bigint')
      .addColumn('max_uses', 'integer')
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'varchar(64)', (c) => c.references('user.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('invite_links_role', sql`role IN ('developer', 'creator', 'viewer')`)
      .addCheckConstraint('invite_links_uses', sql`uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)`)
      .execute();

    await db.schema.alterTable('join_requests').addColumn('expires_at', 'bigint').execute();
    await db
      .updateTable('join_requests')
      .set({ expires_at: sql`created_at + ${sql.lit(JOIN_REQUEST_TTL_MS)}` })
      .execute();
  },
};

/**
 * Notifications (SPEC §7), stored per user. `seq` numbers each user's notifications 1, 2, 3, ...
 * from `notification_counters`, whose row is taken in the transaction that writes them: one
 * user's notifications commit in `seq` order with no holes, so an SSE stream can resume after a
 * `Last-Event-ID` exactly, and notice (and fill from the table) any event it did not receive.
 * `subject_id` is what the notification is about (the join request, the item) for joins at read time.
 */
const notifications: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('notification_counters')
      .addColumn('user_id', 'varchar(64)', (c) => c.primaryKey().references('user.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('kind', 'varchar(40)', (c) => c.notNull())
      .addColumn('subject_id', 'varchar(64)')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('read_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('notifications_user_seq_uniq')
      .on('notifications')
      .columns(['user_id', 'seq'])
      .unique()
      .execute();
    await db.schema
      .createIndex('notifications_unread_idx')
      .on('notifications')
      .columns(['user_id', 'seq'])
      .where(sql.ref('read_at'), 'is', null)
      .execute();
    await db.schema
      .createIndex('notifications_subject_idx')
      .on('notifications')
      .columns(['subject_id'])
      .execute();
  },
};

/**
 * Suggestions (SPEC §4.5): people dismissed per workspace, and an index on the domain of every
 * account's email (with the email, for keyset pages), so "verified people at acme.com" is an index
 * range however many accounts there are. The expression differs by dialect;
 * data/suggestions.repo.ts queries with the same one.
 */
const suggestions: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('suggestion_dismissals')
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('user.id').onDelete('cascade'))
      .addColumn('dismissed_by', 'varchar(64)', (c) => c.references('user.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('suggestion_dismissals_pk', ['workspace_id', 'user_id'])
      .execute();
    const domain =
      db.getExecutor().adapter instanceof PostgresAdapter
        ? sql`split_part(email, '@', 2)`
        : sql`substr(email, instr(email, '@') + 1)`;
    await sql`CREATE INDEX user_email_domain_idx ON "user" (${domain}, email)`.execute(db);
  },
};

/**
 * Video files (one per video item) and the storage objects waiting to be removed. An object's key
 * is written to `storage_deletions` by triggers whenever a row that names it goes (the item
 * deleted, the workspace deleted, a file or poster replaced), so no path can forget the file; the
 * sweeper (app/videos/storage-sweeper.ts) deletes the object, then the row. An upload in flight
 * also holds a row with a `not_before` a day ahead, removed in the transaction that adopts the
 * object: a process that dies between storing and adopting leaves nothing behind for long.
 */
const videos: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('video_files')
      .addColumn('item_id', 'varchar(64)', (c) => c.primaryKey().references('items.id').onDelete('cascade'))
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('file_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('storage_key', 'varchar(200)', (c) => c.notNull().unique())
      .addColumn('content_type', 'varchar(40)', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms', 'bigint', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('filename', 'varchar(255)')
      .addColumn('poster_key', 'varchar(200)')
      .addColumn('poster_type', 'varchar(40)')
      .addColumn('uploaded_by', 'varchar(64)', (c) => c.references('user.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('poster_at', 'bigint')
      .addCheckConstraint('video_files_type', sql`content_type IN ('video/mp4', 'video/webm')`)
      .execute();
    await db.schema
      .createTable('storage_deletions')
      .addColumn('key', 'varchar(200)', (c) => c.primaryKey())
      .addColumn('not_before', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('storage_deletions_due_idx')
      .on('storage_deletions')
      .columns(['not_before'])
      .execute();

    const gone = (expr: string) =>
      `INSERT INTO storage_deletions (key, not_before) SELECT ${expr}, 0 WHERE ${expr} IS NOT NULL ON CONFLICT DO NOTHING;`;
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`
        CREATE FUNCTION troupe_video_files_gc() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' OR OLD.storage_key IS DISTINCT FROM NEW.storage_key THEN
            ${sql.raw(gone('OLD.storage_key'))}
          END IF;
          IF TG_OP = 'DELETE' OR OLD.poster_key IS DISTINCT FROM NEW.poster_key THEN
            ${sql.raw(gone('OLD.poster_key'))}
          END IF;
          RETURN NULL;
        END $$`.execute(db);
      await sql`
        CREATE TRIGGER video_files_gc AFTER UPDATE OR DELETE ON video_files
        FOR EACH ROW EXECUTE FUNCTION troupe_video_files_gc()`.execute(db);
    } else {
      await sql`
        CREATE TRIGGER video_files_gc_delete AFTER DELETE ON video_files
        BEGIN
          ${sql.raw(gone('OLD.storage_key'))}
          ${sql.raw(gone('OLD.poster_key'))}
        END`.execute(db);
      await sql`
        CREATE TRIGGER video_files_gc_file AFTER UPDATE OF storage_key ON video_files
        WHEN OLD.storage_key IS NOT NEW.storage_key
        BEGIN
          ${sql.raw(gone('OLD.storage_key'))}
        END`.execute(db);
      await sql`
        CREATE TRIGGER video_files_gc_poster AFTER UPDATE OF poster_key ON video_files
        WHEN OLD.poster_key IS NOT NEW.poster_key
        BEGIN
          ${sql.raw(gone('OLD.poster_key'))}
        END`.execute(db);
    }
  },
};

/**
 * The Share Page of a video (SPEC §6): publish to the web under a random slug, password (argon2id
 * hash and a version every change bumps, so earlier unlocks end), downloads, expiry, public view
 * count; and its caption tracks, one per language.
 */
const sharePages: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('share_pages')
      .addColumn('item_id', 'varchar(64)', (c) => c.primaryKey().references('items.id').onDelete('cascade'))
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      // While published: the slug's HMAC (to find the page by) and the slug sealed with AES-GCM
      // (to show its owner the link again); keys from AUTH_SECRET (infra/slug-sealer.ts).
      .addColumn('slug_hash', 'varchar(64)', (c) => c.unique())
      .addColumn('slug_sealed', 'varchar(200)')
      .addColumn('published_at', 'bigint')
      .addColumn('password_hash', 'varchar(200)')
      .addColumn('password_version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('allow_download', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', 'bigint')
      .addColumn('views', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('caption_tracks')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('item_id', 'varchar(64)', (c) => c.notNull().references('items.id').onDelete('cascade'))
      .addColumn('workspace_id', 'varchar(64)', (c) =>
        c.notNull().references('workspaces.id').onDelete('cascade'),
      )
      .addColumn('language', 'varchar(35)', (c) => c.notNull())
      .addColumn('label', 'varchar(100)', (c) => c.notNull())
      .addColumn('vtt', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('caption_tracks_item_language_uniq')
      .on('caption_tracks')
      .columns(['item_id', 'language'])
      .unique()
      .execute();
  },
};

/**
 * The trash (SPEC §5): a deleted item and everything inside it stay 30 days with `trashed_at`
 * (when), `trashed_by` (who) and `trash_root_id` (the item that was deleted, whose restore brings
 * it back: every descendant carries it, so one flag on the row says "gone" to every read).
 */
const trash: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('items').addColumn('trashed_at', 'bigint').execute();
    await db.schema.alterTable('items').addColumn('trashed_by', 'varchar(64)').execute();
    await db.schema.alterTable('items').addColumn('trash_root_id', 'varchar(64)').execute();
    // Restoring finds a deleted item's contents; the trash page and the purge job find the roots.
    await db.schema
      .createIndex('items_trash_root_idx')
      .on('items')
      .columns(['trash_root_id'])
      .where(sql.ref('trash_root_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('items_trashed_idx')
      .on('items')
      .columns(['workspace_id', 'trashed_at', 'id'])
      .where(sql.ref('trashed_at'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('items_trashed_at_idx')
      .on('items')
      .columns(['trashed_at'])
      .where(sql.ref('trashed_at'), 'is not', null)
      .execute();
  },
};

/**
 * The members walk (search terms of 1-2 characters, and terms so common that the walk is cheaper
 * than the trigram index) tests each member's sort key and email in display order. With the email
 * in the sort index, SQLite tests both from the index instead of reading every member's row: a walk
 * over 10,000 members that match nothing took 3.3 ms before and 1.4 ms after (a scratch table,
 * 2026-12-03). Same name, one more column: the queries and plans that name it stay as they are.
 */
const membersWalkCovering: Migration = {
  async up(db: AnyDb) {
    await db.schema.dropIndex('memberships_sort_idx').execute();
    await db.schema
      .createIndex('memberships_sort_idx')
      .on('memberships')
      .columns(['workspace_id', 'sort_key', 'user_id', 'email'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropIndex('memberships_sort_idx').execute();
    await db.schema
      .createIndex('memberships_sort_idx')
      .on('memberships')
      .columns(['workspace_id', 'sort_key', 'user_id'])
      .execute();
  },
};

/**
 * Members search by index (issue 12): a search term of 3 or more characters reads only the rows
 * that contain it, not every row of the workspace.
 *
 * PostgreSQL: GIN trigram indexes (`pg_trgm`) over exactly what the members view searches (the
 * display-name sort key and the email of members and pending join requests, the email of pending
 * invitations), with `workspace_id` as the first column (`btree_gin`) so one index scan answers
 * "this workspace and this substring". Both extensions ship with PostgreSQL's server packages
 * and are trusted (PostgreSQL 13+): a database owner may create them. The query is the same LIKE
 * as before; the planner picks the trigram index for a rare term and the ordered
 * (workspace_id, sort_key) walk for a common one.
 *
 * SQLite: an FTS5 table with the `trigram` tokenizer (`members_search`: sort_key, email) whose rowids
 * are given out by `members_search_rows` (workspace_id, kind, ref): FTS5 rows are found by rowid
 * only, and a plain table's implicit rowid may change on VACUUM, so the link is a table of its own.
 * Triggers on the three source tables keep both in step (insert, delete, a rename, an email change,
 * an invitation or request leaving `pending`), in the same transaction as the change. The existing
 * rows are indexed here.
 */
const MEMBERS_SEARCH_SOURCES = [
  { table: 'memberships', kind: 'm', ref: 'user_id', name: 'sort_key', live: null },
  { table: 'invitations', kind: 'i', ref: 'id', name: null, live: `status = 'pending'` },
  { table: 'join_requests', kind: 'r', ref: 'id', name: 'sort_key', live: `status = 'pending'` },
] as const;

type SearchSource = (typeof MEMBERS_SEARCH_SOURCES)[number];

/** SQLite: a source's searchable rows as (workspace_id, kind, ref): all of them, or the live ones. */
const sourceRows = (s: SearchSource) =>
  `SELECT workspace_id, '${s.kind}' AS kind, ${s.ref} AS ref FROM ${s.table}${s.live ? ` WHERE ${s.live}` : ''}`;

/** SQLite: the `members_search_rows` key of a source's row (trigger SQL; `row` is NEW or OLD). */
const searchKey = (s: SearchSource, row: string) =>
  `workspace_id = ${row}.workspace_id AND kind = '${s.kind}' AND ref = ${row}.${s.ref}`;

/** SQLite: statements a search trigger runs for a row (`row` is NEW or OLD). */
interface SearchTriggerMore {
  add(row: string): string;
  drop(row: string): string;
}

/**
 * SQLite: the triggers that keep `members_search` (and its rows) in step with a source table, with
 * `more` statements run after a row is indexed (`add`, NEW) and before it leaves (`drop`, OLD), while
 * its `members_search_rows` id exists (0050: the members' grams). `ranged` (0051): a new row's id is
 * the next in its workspace's range (`members_search_spaces`), not the next in the table.
 */
async function searchTriggers(
  db: AnyDb,
  s: SearchSource,
  opts: { more?: SearchTriggerMore; ranged?: boolean } = {},
) {
  const more = opts.more ?? { add: () => '', drop: () => '' };
  const name = (row: string) => (s.name ? `${row}.${s.name}` : `''`);
  const live = (row: string) => (s.live ? ` WHERE ${row}.${s.live}` : '');
  const newRow = opts.ranged
    ? `
        INSERT INTO members_search_rows (id, workspace_id, kind, ref)
          SELECT coalesce((SELECT max(r.id) FROM members_search_rows AS r
                           WHERE r.id BETWEEN sp.lo AND sp.lo + ${SEARCH_RANGE - 1}), sp.lo) + 1,
                 NEW.workspace_id, '${s.kind}', NEW.${s.ref}
          FROM (SELECT slot * ${SEARCH_RANGE} AS lo FROM members_search_spaces
                WHERE workspace_id = NEW.workspace_id) AS sp${live('NEW')};`
    : `
        INSERT INTO members_search_rows (workspace_id, kind, ref)
          SELECT NEW.workspace_id, '${s.kind}', NEW.${s.ref}${live('NEW')};`;
  const add = `${newRow}
        INSERT INTO members_search (rowid, sort_key, email)
          SELECT id, ${name('NEW')}, NEW.email FROM members_search_rows WHERE ${searchKey(s, 'NEW')};${more.add('NEW')}`;
  const drop = `${more.drop('OLD')}
        DELETE FROM members_search WHERE rowid = (SELECT id FROM members_search_rows WHERE ${searchKey(s, 'OLD')});
        DELETE FROM members_search_rows WHERE ${searchKey(s, 'OLD')};`;
  const watched = [
    'workspace_id',
    s.ref,
    'email',
    ...(s.name ? [s.name] : []),
    ...(s.live ? ['status'] : []),
  ];
  await sql
    .raw(`CREATE TRIGGER ${s.table}_search_insert AFTER INSERT ON ${s.table} BEGIN ${add} END`)
    .execute(db);
  await sql
    .raw(`CREATE TRIGGER ${s.table}_search_delete AFTER DELETE ON ${s.table} BEGIN ${drop} END`)
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${s.table}_search_update AFTER UPDATE OF ${watched.join(', ')} ON ${s.table} BEGIN ${drop} ${add} END`,
    )
    .execute(db);
}

const membersSearch: Migration = {
  async up(db: AnyDb) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
      await sql`CREATE EXTENSION IF NOT EXISTS btree_gin`.execute(db);
      for (const s of MEMBERS_SEARCH_SOURCES) {
        const cols = s.name
          ? sql`workspace_id, sort_key gin_trgm_ops, email gin_trgm_ops`
          : sql`workspace_id, email gin_trgm_ops`;
        const where = s.live ? sql` WHERE ${sql.raw(s.live)}` : sql``;
        // fastupdate off: new rows go straight into the index, not a pending list that every search
        // would read whole until the next vacuum (members change rarely; searches are frequent).
        await sql`CREATE INDEX ${sql.raw(`${s.table}_search_idx`)} ON ${sql.table(s.table)} USING gin (${cols}) WITH (fastupdate = off)${where}`.execute(
          db,
        );
      }
      return;
    }
    await createSearchTables(db);
    for (const s of MEMBERS_SEARCH_SOURCES) {
      await searchTriggers(db, s);
      // The rows that exist now.
      await sql.raw(`INSERT INTO members_search_rows (workspace_id, kind, ref) ${sourceRows(s)}`).execute(db);
      await indexSearchRows(db, s);
    }
  },
};

/** SQLite: the trigram index and the table that gives out its rowids (0030; again in 0051). */
async function createSearchTables(db: AnyDb) {
  await sql`
      CREATE TABLE members_search_rows (
        id INTEGER PRIMARY KEY,
        workspace_id varchar(64) NOT NULL,
        kind char(1) NOT NULL CHECK (kind IN ('m', 'i', 'r')),
        ref varchar(64) NOT NULL,
        UNIQUE (workspace_id, kind, ref)
      )`.execute(db);
  await sql`
      CREATE VIRTUAL TABLE members_search USING fts5(sort_key, email, tokenize = 'trigram')`.execute(db);
}

/** SQLite: a source's rows into the trigram index, under their `members_search_rows` ids (given out first). */
async function indexSearchRows(db: AnyDb, s: SearchSource) {
  await sql
    .raw(
      `INSERT INTO members_search (rowid, sort_key, email)
             SELECT r.id, ${s.name ? `t.${s.name}` : `''`}, t.email FROM ${s.table} t
             JOIN members_search_rows r ON r.workspace_id = t.workspace_id AND r.kind = '${s.kind}' AND r.ref = t.${s.ref}`,
    )
    .execute(db);
}

/**
 * Search terms of 1-2 characters have no trigram, so neither FTS5 nor pg_trgm can find them; they
 * walked every member in display order. `members_grams` holds every distinct 1- and 2-character
 * substring (a "gram") of each member's sort key and email, one row per (gram, member), keyed
 * (workspace_id, gram, sort_key, user_id): a short term's page of members is the first `limit`
 * entries of one key range, already in display order, whatever the term and wherever the cursor.
 * The texts are stored lower-cased (domain/members.ts) and terms are lower-cased, so a gram is a
 * plain substring; LIKE's ASCII case folding on SQLite has nothing left to fold. Pending
 * invitations and join requests are few and have no grams: a short term tests each of them.
 *
 * Triggers keep it in step on both databases (a member added, removed, renamed, or their email
 * changed), in the same transaction as the change. SQLite triggers allow no CTE, so positions come
 * from `members_gram_positions` (1..MEMBERS_GRAM_POSITIONS; names are at most 100 characters,
 * emails 254). The existing members are indexed here.
 */
const MEMBERS_GRAM_POSITIONS = 1024;

/** A member's grams into `members_grams` (trigger SQL; `row` is NEW or OLD). */
const gramsAdd = (row: string, gramsOf: (row: string) => string) =>
  `INSERT INTO members_grams (workspace_id, gram, sort_key, user_id)
         SELECT ${row}.workspace_id, g.gram, ${row}.sort_key, ${row}.user_id FROM ${gramsOf(row)};`;

/** A member's grams out of `members_grams` (trigger SQL). */
const gramsDrop = (row: string, gramsOf: (row: string) => string) =>
  `DELETE FROM members_grams WHERE workspace_id = ${row}.workspace_id AND sort_key = ${row}.sort_key
         AND user_id = ${row}.user_id AND gram IN (SELECT g.gram FROM ${gramsOf(row)});`;

/** PostgreSQL: the `memberships_grams()` trigger function (after `CREATE` or `CREATE OR REPLACE`). */
const membershipsGramsFunction = (gramsOf: (row: string) => string) =>
  `FUNCTION memberships_grams() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF TG_OP <> 'INSERT' THEN ${gramsDrop('OLD', gramsOf)} END IF;
            IF TG_OP <> 'DELETE' THEN ${gramsAdd('NEW', gramsOf)} END IF;
            RETURN NULL;
          END $$`;

/**
 * SQLite: a member's grams (trigger SQL, `row` NEW or OLD) as a row source, column `gram`. Triggers
 * allow no CTE: positions come from `members_gram_positions`; `p.n <= length - len + 1` is a range
 * of its primary key, not all 1,024 positions.
 */
const sqliteGramsOf = (row: string) =>
  `(SELECT DISTINCT substr(t.v, p.n, w.len) AS gram
            FROM (SELECT ${row}.sort_key AS v UNION SELECT ${row}.email) AS t
            JOIN (SELECT 1 AS len UNION ALL SELECT 2) AS w
            JOIN members_gram_positions AS p ON p.n <= length(t.v) - w.len + 1) AS g`;

/**
 * Every member's grams, as rows (workspace_id, user_id, sort_key, gram), each once: what the
 * migrations that build a gram index (0043, 0050) fill it with. SQLite cannot correlate a subquery
 * in FROM, so the triggers' `gramsOf` cannot be joined to every member: the positions (`p`, column
 * `n`) are joined directly.
 */
const everyMembersGrams = (positions: string) =>
  `SELECT DISTINCT x.workspace_id, x.user_id, x.sort_key, substr(x.v, p.n, w.len) AS gram
           FROM (SELECT workspace_id, user_id, sort_key, sort_key AS v FROM memberships
                 UNION ALL SELECT workspace_id, user_id, sort_key, email FROM memberships) AS x
           JOIN (SELECT 1 AS len UNION ALL SELECT 2) AS w ON true
           JOIN ${positions} ON p.n <= length(x.v) - w.len + 1`;

const membersGrams: Migration = {
  async up(db: AnyDb) {
    const pg = db.getExecutor().adapter instanceof PostgresAdapter;
    await sql
      .raw(`CREATE TABLE members_grams (
        workspace_id varchar(64) NOT NULL,
        gram varchar(8) NOT NULL,
        sort_key text NOT NULL,
        user_id varchar(64) NOT NULL,
        PRIMARY KEY (workspace_id, gram, sort_key, user_id)
      )${pg ? '' : ' WITHOUT ROWID'}`)
      .execute(db);
    /** The grams of a member's two texts as a row source (column `gram`). */
    let gramsOf: (row: string) => string;
    if (pg) {
      await sql
        .raw(`CREATE FUNCTION members_grams_of(a text, b text) RETURNS SETOF text
          LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT DISTINCT substr(t, i, w)
              FROM unnest(ARRAY[a, b]) AS t, generate_series(1, 2) AS w,
                   generate_series(1, char_length(t) - w + 1) AS i
          $$`)
        .execute(db);
      gramsOf = (row) => `(SELECT members_grams_of(${row}.sort_key, ${row}.email) AS gram) AS g`;
    } else {
      await sql`CREATE TABLE members_gram_positions (n INTEGER PRIMARY KEY)`.execute(db);
      await sql`
        INSERT INTO members_gram_positions (n)
        WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < ${sql.lit(MEMBERS_GRAM_POSITIONS)})
        SELECT n FROM p`.execute(db);
      gramsOf = sqliteGramsOf;
    }
    const add = (row: string) => gramsAdd(row, gramsOf);
    const drop = (row: string) => gramsDrop(row, gramsOf);
    const watched = 'workspace_id, user_id, email, sort_key';
    if (pg) {
      await sql.raw(`CREATE ${membershipsGramsFunction(gramsOf)}`).execute(db);
      await sql
        .raw(`CREATE TRIGGER memberships_grams AFTER INSERT OR DELETE OR UPDATE OF ${watched} ON memberships
                FOR EACH ROW EXECUTE FUNCTION memberships_grams()`)
        .execute(db);
    } else {
      await sql
        .raw(`CREATE TRIGGER memberships_grams_insert AFTER INSERT ON memberships BEGIN ${add('NEW')} END`)
        .execute(db);
      await sql
        .raw(`CREATE TRIGGER memberships_grams_delete AFTER DELETE ON memberships BEGIN ${drop('OLD')} END`)
        .execute(db);
      await sql
        .raw(
          `CREATE TRIGGER memberships_grams_update AFTER UPDATE OF ${watched} ON memberships BEGIN ${drop('OLD')} ${add('NEW')} END`,
        )
        .execute(db);
    }
    // The members there are now, in one statement.
    const positions = pg
      ? `generate_series(1, ${MEMBERS_GRAM_POSITIONS}) AS p(n)`
      : 'members_gram_positions AS p';
    await sql
      .raw(
        `INSERT INTO members_grams (workspace_id, gram, sort_key, user_id)
           SELECT workspace_id, gram, sort_key, user_id FROM (${everyMembersGrams(positions)}) AS x`,
      )
      .execute(db);
  },
};

/**
 * PostgreSQL: a trigger function that adds 1 to `workspaces.<column>` of the changed row's
 * workspace once per workspace and transaction: the first row of a transaction marks the workspace
 * in the transaction-local setting `troupe.<items|grants|members>_bumped`, the rest find it marked.
 * `troupe_bump_<column>_at_commit` (migrations 0045 and 0047, whose deferred row triggers call it
 * at COMMIT); `replace`: the body of an existing function instead (0049, members).
 */
function pgBumpOncePerTransaction(
  db: AnyDb,
  column: 'items_version' | 'grants_version' | 'members_version',
  replace?: string,
) {
  const name = replace ?? `troupe_bump_${column}_at_commit`;
  const setting = `troupe.${column.replace('_version', '')}_bumped`;
  // Constants only: a $$ body cannot hold parameters.
  return sql`
    CREATE ${sql.raw(replace ? 'OR REPLACE ' : '')}FUNCTION ${sql.raw(name)}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      ws text := CASE WHEN TG_OP = 'DELETE' THEN OLD.workspace_id ELSE NEW.workspace_id END;
      done text := coalesce(current_setting('${sql.raw(setting)}', true), '');
    BEGIN
      IF strpos(done, ' ' || ws || ' ') > 0 THEN RETURN NULL; END IF;
      PERFORM set_config('${sql.raw(setting)}', done || ' ' || ws || ' ', true);
      UPDATE workspaces SET ${sql.raw(column)} = ${sql.raw(column)} + 1 WHERE id = ws;
      RETURN NULL;
    END $$`.execute(db);
}

/**
 * PostgreSQL: the items version is bumped when the transaction commits instead of at each write.
 * The bump updates the workspace row, which locks it until the commit: bumped at the write, every
 * other item, grant or member write of the workspace waited for the rest of the transaction (a
 * share read its access list after its write: four round trips with the workspace locked; under
 * load each round trip is a turn of a busy event loop, and the shares, renames and invitations of
 * a busy workspace queued behind one another). Deferred row triggers (constraint triggers) run at
 * COMMIT, so the row is locked for the commit only. One bump per workspace and transaction: the
 * first of a transaction's rows bumps and marks the workspace in a transaction-local setting
 * (`troupe.items_bumped`); a folder of 1,000 items trashed still updates the workspace row once.
 * The rule is unchanged (migration 0044): the bump commits with the change, so a reader who reads
 * the new version reads the change. SQLite has one writer at a time: its per-row triggers stay.
 */
const itemsVersionAtCommit: Migration = {
  async up(db: AnyDb) {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    for (const table of ITEM_LISTING_TABLES) {
      for (const op of ['insert', 'update', 'delete']) {
        await sql`DROP TRIGGER ${sql.raw(`${table}_items_version_${op}`)} ON ${sql.table(table)}`.execute(db);
      }
    }
    await sql`DROP TRIGGER memberships_items_version ON memberships`.execute(db);
    await sql`DROP FUNCTION troupe_bump_items_version()`.execute(db);
    await sql`DROP FUNCTION troupe_bump_items_version_on_name()`.execute(db);
    await pgBumpOncePerTransaction(db, 'items_version');
    for (const table of ITEM_LISTING_TABLES) {
      await sql`
        CREATE CONSTRAINT TRIGGER ${sql.raw(`${table}_items_version`)}
        AFTER INSERT OR UPDATE OR DELETE ON ${sql.table(table)}
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION troupe_bump_items_version_at_commit()`.execute(db);
    }
    await sql`
      CREATE CONSTRAINT TRIGGER memberships_items_version AFTER UPDATE OF name ON memberships
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
      EXECUTE FUNCTION troupe_bump_items_version_at_commit()`.execute(db);
  },
};

/**
 * PostgreSQL: a pending invitation for an address that is a member of the workspace is refused at
 * COMMIT. Invitation calls take no workspace lock (app/invitations/invite-members.ts), so someone
 * could join by link or by an approved request between a call's read ("not a member") and its
 * insert. A deferred trigger checks at COMMIT, when the join is ordered before or after the call:
 * the call's insert writes the workspace row (the members version) and a join locks that row, so
 * either the join committed first (this check sees the membership and the call runs again, now
 * answering `already_member`) or it waits for the call and then closes the new invitation as it
 * closes every pending one for its address. Raised as a unique violation on the pseudo-constraint
 * `invitations_not_member` (one address is a member or invited, not both), which the call treats
 * as a lost race. SQLite runs one transaction at a time: nothing to check there.
 */
const invitationsNotMember: Migration = {
  async up(db: AnyDb) {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await sql`
      CREATE FUNCTION troupe_invitation_not_member() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM invitations i WHERE i.id = NEW.id AND i.status = 'pending')
           AND EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = NEW.workspace_id AND m.email = NEW.email) THEN
          RAISE EXCEPTION 'a pending invitation for a member of the workspace'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'invitations_not_member';
        END IF;
        RETURN NULL;
      END $$`.execute(db);
    await sql`
      CREATE CONSTRAINT TRIGGER invitations_not_member AFTER INSERT ON invitations
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION troupe_invitation_not_member()`.execute(db);
  },
};

/**
 * `workspaces.grants_version`: the grants' own counter, bumped (as `items_version` was for them,
 * migrations 0044 and 0045) with every insert, update and delete of a grant, which no longer bump
 * `items_version`. A grant changes what its grantee sees, never a Super Admin's folders (a Super
 * Admin can edit everything: domain/access.ts) nor anyone's "My library" (the caller's own items),
 * so those listings are cached under the items version alone and a share no longer makes them
 * stale (app/items/list-items.ts); every other listing is keyed by both versions. Workspace-wide,
 * not per member: a per-member counter would be a row lock per grantee taken at COMMIT, in the
 * order of the statement's rows, which two transactions sharing with the same people in another
 * order could take crosswise (a deadlock); this is one row per workspace and transaction, as
 * before. On PostgreSQL the bump runs at COMMIT, once per workspace and transaction, as 0045's.
 */
const grantsVersion: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .alterTable('workspaces')
      .addColumn('grants_version', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`DROP TRIGGER item_grants_items_version ON item_grants`.execute(db);
      await pgBumpOncePerTransaction(db, 'grants_version');
      await sql`
        CREATE CONSTRAINT TRIGGER item_grants_grants_version
        AFTER INSERT OR UPDATE OR DELETE ON item_grants
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION troupe_bump_grants_version_at_commit()`.execute(db);
    } else {
      for (const op of ['insert', 'update', 'delete']) {
        await sql`DROP TRIGGER ${sql.raw(`item_grants_items_version_${op}`)}`.execute(db);
      }
      await sqliteRowBumps(db, ['item_grants'], 'grants_version');
    }
  },
};

/**
 * PostgreSQL: the members' grams trigger (0043) calls `members_grams_of` in FROM instead of in the
 * select list. A SQL function returning a set is inlined into the query that calls it only from
 * FROM; called in the select list it was planned again at every call (PostgreSQL 15 keeps no plan
 * of a SQL function between calls). Measured on a copy of the table and trigger, 2,000 members
 * inserted one statement each: 335-381 -> 261-297 µs a member (three runs each); 5,000 in one
 * statement: 1.87 -> 1.38-1.42 s. Same grams, same rows. SQLite's triggers hold their SQL inline
 * already.
 */
const membersGramsInlined: Migration = {
  async up(db: AnyDb) {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await sql
      .raw(
        `CREATE OR REPLACE ${membershipsGramsFunction(
          (row) => `members_grams_of(${row}.sort_key, ${row}.email) AS g(gram)`,
        )}`,
      )
      .execute(db);
  },
};

/**
 * PostgreSQL: the members version (0005) is bumped once per workspace and transaction, at the first
 * changed row as before (the row trigger stays immediate, so the workspace row is locked at the
 * same moment), not again at every further row of the same transaction: accepting an invitation
 * bumped it twice (the invitation, the membership; the seat's own update bumps it too), an
 * invitation call of 100 addresses 100 times. Each update writes a new version of the row, and
 * after the transaction's first one PostgreSQL also checks the row's foreign key again: about
 * 10-15 µs of the database's time an update (pgbench, 20 rows inserted in one transaction: 0.85-1.03
 * -> 0.66-0.73 ms; one update fewer in an acceptance is within the noise of its timing). The rule
 * is the same: the version changes in the transaction that changes the view, and a reader who reads
 * the new version reads the change. SQLite's per-row bumps stay (one writer at a time; the row is on
 * a page already written).
 */
const membersVersionOnce: Migration = {
  async up(db: AnyDb) {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await pgBumpOncePerTransaction(db, 'members_version', 'troupe_bump_members_version');
  },
};

/**
 * SQLite: the members' grams (0043) as tokens of an FTS5 table, `members_grams_fts`, instead of a
 * row each in `members_grams`. Each row of that table's primary key (workspace, gram, sort key,
 * member) landed on its own page of the B-tree, so adding a member wrote about 50 pages to the WAL
 * at COMMIT (a member inserted 1.52 ms with the gram rows, 0.15 ms without, measured 2026-12-06).
 * FTS5 writes a transaction's new tokens as one small segment of its own and merges segments
 * later, a few pages at a time, as it already does for the trigram index (`members_search`, 0030).
 * A member's row holds one token a gram, `g` and the gram's UTF-8 bytes in hex (so that every
 * gram, punctuation, spaces and any script included, is one token of FTS5's `ascii` tokenizer),
 * under the member's `members_search_rows` id; `detail = 'none'` (whether a row has the token,
 * nothing about where), contentless, deleted by rowid. A short term's page reads the rows that
 * have its token (data/members.repo.ts), like a longer term's from the trigram index. Measured in
 * process, 2026-12-06, invite + accept pairs on a small workspace, alternating: p50 2.39-3.48 ms
 * with the gram rows, 1.57-1.93 ms with this table, 1.30-1.60 ms with neither.
 *
 * The memberships' search triggers are made again with the grams in them (written after the row's
 * `members_search_rows` id exists, removed before it goes); the gram rows' triggers and table go.
 * PostgreSQL keeps `members_grams` (its trigger writes ~47 index entries a member inside
 * PostgreSQL's own work; no LSM-style index to move them to). docs/ARCHITECTURE.md has the read
 * side of the trade (short-term searches' tail).
 */
const membersGramsFts: Migration = {
  async up(db: AnyDb) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) return;
    const members = MEMBERS_SEARCH_SOURCES[0];
    for (const op of ['insert', 'update', 'delete']) {
      await sql.raw(`DROP TRIGGER memberships_grams_${op}`).execute(db);
      await sql.raw(`DROP TRIGGER memberships_search_${op}`).execute(db);
    }
    await sql`DROP TABLE members_grams`.execute(db);
    await createGramsTable(db);
    await searchTriggers(db, members, { more: gramsInSearchTriggers });
    // The members there are now: 1.8 s for 10,000 members (the benchmark's workspace, 2026-12-06).
    await indexMembersGrams(db);
  },
};

/**
 * A person's join requests in a workspace, newest last, whatever their status: whether they asked
 * in the last day (`askedSince`: Super Admins are emailed about a person's first request a day).
 * The pending-only unique index (0001) cannot answer for decided requests.
 */
const joinRequestsByUser = {
  async up(db: AnyDb) {
    await db.schema
      .createIndex('join_requests_user_idx')
      .on('join_requests')
      .columns(['workspace_id', 'user_id', 'created_at'])
      .execute();
  },
};

/** SQLite: the members' grams' FTS5 table (0050; again in 0051). */
async function createGramsTable(db: AnyDb) {
  await sql`
      CREATE VIRTUAL TABLE members_grams_fts USING fts5(
        grams, content = '', contentless_delete = 1, detail = 'none', tokenize = 'ascii'
      )`.execute(db);
}

/** SQLite: a member's grams in and out of `members_grams_fts`, in the memberships' search triggers. */
const gramsInSearchTriggers: SearchTriggerMore = {
  add: (row) => `
        INSERT INTO members_grams_fts (rowid, grams)
          SELECT id, (SELECT group_concat('g' || hex(g.gram), ' ') FROM ${sqliteGramsOf(row)})
          FROM members_search_rows WHERE ${searchKey(MEMBERS_SEARCH_SOURCES[0], row)};`,
  drop: (row) => `
        DELETE FROM members_grams_fts WHERE rowid = (SELECT id FROM members_search_rows WHERE ${searchKey(MEMBERS_SEARCH_SOURCES[0], row)});`,
};

/** SQLite: every member's grams into `members_grams_fts`, under their `members_search_rows` ids. */
async function indexMembersGrams(db: AnyDb) {
  await sql
    .raw(
      `INSERT INTO members_grams_fts (rowid, grams)
           SELECT r.id, group_concat('g' || hex(x.gram), ' ')
           FROM (${everyMembersGrams('members_gram_positions AS p')}) AS x
           JOIN members_search_rows AS r ON r.workspace_id = x.workspace_id AND r.kind = 'm' AND r.ref = x.user_id
           GROUP BY r.id`,
    )
    .execute(db);
}

/**
 * SQLite: each workspace's rows of the members search under ids of its own range (slot × 2^32 + n;
 * `members_search_spaces` gives every workspace its slot, a trigger each new one), so that an FTS5
 * match is bounded to the workspace (`rowid BETWEEN`, a seek in each term's list of rows) instead of
 * reading every workspace's hits before keeping the workspace's. Measured in process before it
 * (2026-12-06, a workspace of 11 members beside one of 10,000 in the same file): a search for
 * `example`, in every email of both, 0.56 ms alone and 3.26 ms beside the large one; on an FTS5
 * table of 100,010 rows, a match of 10 rows in range 0.025 ms with the bounds, 17 ms without. The
 * three tables are rebuilt here with the new ids (`members_search_rows`, the trigram index, the
 * grams), and the search triggers are made again to give out ids by range. PostgreSQL's GIN
 * indexes lead with `workspace_id` already.
 */
const membersSearchRanges: Migration = {
  async up(db: AnyDb) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) return;
    await sql`
      CREATE TABLE members_search_spaces (
        workspace_id varchar(64) PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
        slot INTEGER NOT NULL UNIQUE
      )`.execute(db);
    await sql`
      INSERT INTO members_search_spaces (workspace_id, slot)
        SELECT id, row_number() OVER (ORDER BY created_at, id) FROM workspaces`.execute(db);
    await sql`
      CREATE TRIGGER workspaces_search_space AFTER INSERT ON workspaces BEGIN
        INSERT INTO members_search_spaces (workspace_id, slot)
          SELECT NEW.id, coalesce(max(slot), 0) + 1 FROM members_search_spaces;
      END`.execute(db);
    for (const s of MEMBERS_SEARCH_SOURCES)
      for (const op of ['insert', 'update', 'delete'])
        await sql.raw(`DROP TRIGGER ${s.table}_search_${op}`).execute(db);
    await sql`DROP TABLE members_grams_fts`.execute(db);
    await sql`DROP TABLE members_search`.execute(db);
    await sql`DROP TABLE members_search_rows`.execute(db);
    await createSearchTables(db);
    await createGramsTable(db);
    for (const s of MEMBERS_SEARCH_SOURCES)
      await searchTriggers(db, s, {
        ranged: true,
        ...(s.table === 'memberships' ? { more: gramsInSearchTriggers } : {}),
      });
    // Every row there is now, numbered within its workspace's range.
    const rows = MEMBERS_SEARCH_SOURCES.map(sourceRows).join(' UNION ALL ');
    await sql
      .raw(
        `INSERT INTO members_search_rows (id, workspace_id, kind, ref)
           SELECT sp.slot * ${SEARCH_RANGE} + row_number() OVER (PARTITION BY x.workspace_id ORDER BY x.kind, x.ref),
                  x.workspace_id, x.kind, x.ref
           FROM (${rows}) AS x JOIN members_search_spaces AS sp ON sp.workspace_id = x.workspace_id`,
      )
      .execute(db);
    for (const s of MEMBERS_SEARCH_SOURCES) await indexSearchRows(db, s);
    await indexMembersGrams(db);
  },
};

const migrations: Record<string, Migration> = {
  '0001_workspaces': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('workspaces')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('require_approval', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('company_domain', 'varchar(253)')
        .addColumn('seat_limit', 'integer', (c) => c.notNull())
        .addColumn('seats_used', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'varchar(64)', (c) => c.notNull().references('user.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addCheckConstraint(
          'workspaces_seats_within_limit',
          sql`seats_used >= 0 AND seats_used <= seat_limit`,
        )
        .execute();

      await db.schema
        .createTable('memberships')
        .addColumn('workspace_id', 'varchar(64)', (c) =>
          c.notNull().references('workspaces.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('role', 'varchar(20)', (c) => c.notNull())
        // Copies of the user's email and name, kept so the members view sorts and searches with
        // one index range per workspace (refreshed when the user renames themselves).
        .addColumn('email', 'varchar(254)', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('sort_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['workspace_id', 'user_id'])
        .addCheckConstraint(
          'memberships_role',
          sql`role IN ('super_admin', 'developer', 'creator', 'viewer')`,
        )
        .execute();
      await db.schema.createIndex('memberships_user_idx').on('memberships').columns(['user_id']).execute();
      await db.schema
        .createIndex('memberships_sort_idx')
        .on('memberships')
        .columns(['workspace_id', 'sort_key', 'user_id'])
        .execute();
      await db.schema
        .createIndex('memberships_role_idx')
        .on('memberships')
        .columns(['workspace_id', 'role'])
        .execute();
    },
  },
  '0002_mail_outbox': {
    async up(db: AnyDb) {
      await db.schema
        .createTable('mail_outbox')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('to_address', 'varchar(254)', (c) => c.notNull())
        .addColumn('subject', 'varchar(300)', (c) => c.notNull())
        .addColumn('text_body', 'text', (c) => c.notNull())
        .addColumn('html_body', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(10)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_at', 'bigint')
        .addColumn('sent_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('mail_outbox_due_idx')
        .on('mail_outbox')
        .columns(['status', 'next_attempt_at'])
        .execute();
    },
  },
  '0003_members': members,
  '0004_items': items,
  '0005_members_version': membersVersion,
  '0006_hashed_session_tokens': hashedSessionTokens,
  '0007_items_root_indexes': itemsRootIndexes,
  '0008_hashed_verification_identifiers': hashedVerificationIdentifiers,
  '0010_invite_links': inviteLinks,
  '0011_notifications': notifications,
  '0012_suggestions': suggestions,
  '0020_videos': videos,
  '0021_share_pages': sharePages,
  '0030_members_search': membersSearch,
  '0041_trash': trash,
  '0042_members_walk_covering': membersWalkCovering,
  '0043_members_grams': membersGrams,
  '0044_items_version': itemsVersion,
  '0045_items_version_at_commit': itemsVersionAtCommit,
  '0046_invitations_not_member': invitationsNotMember,
  '0047_grants_version': grantsVersion,
  '0048_members_grams_inlined': membersGramsInlined,
  '0049_members_version_once': membersVersionOnce,
  '0050_members_grams_fts': membersGramsFts,
  '0051_members_search_ranges': membersSearchRanges,
  '0052_join_requests_by_user': joinRequestsByUser,
};

/**
 * A migration whose deferred constraint triggers (0045, 0046) fire at the end of each of its
 * statements instead of at COMMIT. Kysely runs all pending PostgreSQL migrations in one
 * transaction, and PostgreSQL refuses to ALTER a table that has trigger events still pending in
 * it ("cannot ALTER TABLE ... because it has pending trigger events"): without this, a migration
 * that writes rows of `items`, `item_grants`, `memberships` or `invitations` and then alters that
 * table (or a later migration of the same run that alters it) would fail. The rules the triggers
 * keep hold either way: a trigger run early bumps the same version and checks the same row.
 */
function withImmediateConstraints(m: Migration): Migration {
  return {
    async up(db: AnyDb) {
      await sql`SET CONSTRAINTS ALL IMMEDIATE`.execute(db);
      await m.up(db);
    },
    down: m.down,
  };
}

/** Runs every migration not yet run (`extra`: more after these, for the tests of this runner). */
export async function migrateToLatest(db: AnyDb, extra: Record<string, Migration> = {}): Promise<void> {
  const all: Record<string, Migration> = { ...migrations, ...extra };
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const provided = postgres
    ? Object.fromEntries(Object.entries(all).map(([name, m]) => [name, withImmediateConstraints(m)]))
    : all;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => provided },
    migrationTableName: 'troupe_migrations',
    migrationLockTableName: 'troupe_migrations_lock',
    // Engineers number their migrations in separate ranges (0008-0009, 0010-0019, 0020+) and
    // land them in any order: a database that already ran 0010 must still run a 0009 that lands
    // after it. Every migration here is independent of the ones numbered after it.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`);
  }
}

/** The advisory lock every node takes around its start-up migrations (an arbitrary, fixed number). */
const MIGRATION_LOCK = 7_150_317_001n;

/**
 * Runs `fn` (the start-up migrations: Better Auth's tables, then ours) while holding a PostgreSQL
 * session-level advisory lock, so that nodes started at once migrate one after another: the first
 * creates the schema, the others find it done. (Kysely's migrator locks its own runs, but Better
 * Auth's migrator does not.) SQLite serves one process and needs none.
 */
export async function withMigrationLock<T>(db: AnyDb, dialect: 'sqlite' | 'postgres', fn: () => Promise<T>) {
  if (dialect !== 'postgres') return fn();
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}
