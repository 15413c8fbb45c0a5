import type { Generated } from 'kysely';

/**
 * Tables as Kysely sees them. Better Auth owns `user`, `session`, `account`, `verification`
 * (camelCase columns, created by its own migrations); Troupe's tables are snake_case.
 * Times in Troupe's tables are epoch milliseconds (bigint), booleans are 0/1 integers:
 * the same values on SQLite and PostgreSQL, so one query path serves both.
 */
export interface UserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean | number;
  image: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
}

export interface SessionTable {
  id: string;
  token: string;
  userId: string;
  expiresAt: Date | string;
  createdAt: Date | string;
  updatedAt: Date | string;
  ipAddress: string | null;
  userAgent: string | null;
}

/** Better Auth's logins of a user: `providerId` 'credential' holds the email-and-password hash. */
export interface AccountTable {
  id: string;
  userId: string;
  accountId: string;
  providerId: string;
  password: string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
}

export interface WorkspacesTable {
  id: string;
  name: string;
  require_approval: number;
  company_domain: string | null;
  seat_limit: number;
  seats_used: number;
  /**
   * Bumped by database triggers (migration 0005) in the same transaction as every change to the
   * workspace's memberships, invitations, join requests or seats: everything the members view shows.
   */
  members_version: Generated<number>;
  /**
   * Bumped by database triggers (migration 0044) in the same transaction as every change to the
   * workspace's items or a member's name: everything an item listing shows but the grants.
   */
  items_version: Generated<number>;
  /** Bumped likewise with every change to the workspace's grants (migration 0047). */
  grants_version: Generated<number>;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: string;
  email: string;
  name: string;
  sort_key: string;
  created_at: number;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked';

export interface InvitationsTable {
  id: string;
  workspace_id: string;
  email: string;
  role: string;
  token_hash: string;
  status: InvitationStatus;
  expires_at: number;
  invited_by: string | null;
  accepted_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface JoinRequestsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  email: string;
  name: string;
  sort_key: string;
  role: string;
  status: 'pending' | 'approved' | 'denied';
  decided_by: string | null;
  decided_at: number | null;
  created_at: number;
  /** A pending request lapses at this time (14 days after it was made or renewed). */
  expires_at: number;
}

export interface InviteLinksTable {
  workspace_id: string;
  /** '' until the first rotation, then 128 random bits: the token is derived from it, never stored. */
  nonce: Generated<string>;
  enabled: Generated<number>;
  role: Generated<string>;
  expires_at: number | null;
  max_uses: number | null;
  uses: Generated<number>;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

export interface SeatPurchasesTable {
  id: string;
  workspace_id: string;
  actor_id: string | null;
  seats_before: number;
  seats_after: number;
  provider: string;
  provider_ref: string;
  created_at: number;
}

export interface AuditEventsTable {
  id: string;
  workspace_id: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string | null;
  target_label: string;
  before: string | null;
  after: string | null;
  created_at: number;
}

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: MailStatus;
  attempts: Generated<number>;
  next_attempt_at: number;
  claimed_at: number | null;
  sent_at: number | null;
  last_error: string | null;
  created_at: number;
}

export interface ItemsTable {
  id: string;
  workspace_id: string;
  kind: string;
  title: string;
  kind_rank: number;
  title_key: string;
  parent_id: string | null;
  owner_id: string;
  general_access: string;
  workspace_permission: string;
  created_at: number;
  updated_at: number;
  /** In the trash since (epoch ms); null while live. */
  trashed_at?: number | null;
  trashed_by?: string | null;
  /** The deleted item whose restore brings this one back (itself for the item deleted). */
  trash_root_id?: string | null;
}

export interface ItemGrantsTable {
  item_id: string;
  user_id: string;
  workspace_id: string;
  permission: string;
  granted_by: string | null;
  created_at: number;
}

export interface NotificationCountersTable {
  user_id: string;
  seq: number;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  /** The user's own sequence number (1, 2, 3, ...): the SSE event id. */
  seq: number;
  workspace_id: string;
  kind: string;
  /** What the notification is about (a join request, an item), for joins at read time. */
  subject_id: string | null;
  /** JSON. */
  data: string;
  read_at: number | null;
  created_at: number;
}

export interface SuggestionDismissalsTable {
  workspace_id: string;
  user_id: string;
  dismissed_by: string | null;
  created_at: number;
}

export interface VideoFilesTable {
  item_id: string;
  workspace_id: string;
  /** A new id for every upload: the file's ETag. */
  file_id: string;
  storage_key: string;
  content_type: string;
  size: number;
  duration_ms: number;
  width: number;
  height: number;
  filename: string | null;
  poster_key: string | null;
  poster_type: string | null;
  uploaded_by: string | null;
  created_at: number;
  poster_at: number | null;
}

/** Storage objects to remove (written by triggers on video_files, and by uploads in flight). */
export interface StorageDeletionsTable {
  key: string;
  not_before: Generated<number>;
}

export interface SharePagesTable {
  item_id: string;
  workspace_id: string;
  /** While published: the HMAC of the public URL's slug (infra/slug-sealer.ts); null otherwise. */
  slug_hash: string | null;
  /** While published: the slug sealed with AES-GCM, for its owner to see again. */
  slug_sealed: string | null;
  published_at: number | null;
  password_hash: string | null;
  password_version: Generated<number>;
  allow_download: Generated<number>;
  expires_at: number | null;
  views: Generated<number>;
  updated_at: number;
}

export interface CaptionTracksTable {
  id: string;
  item_id: string;
  workspace_id: string;
  language: string;
  label: string;
  vtt: string;
  created_at: number;
  updated_at: number;
}

/**
 * SQLite only (migration 0030): the rowids of the members search index, one per searchable row of
 * the members view (kind 'm' membership, 'i' pending invitation, 'r' pending join request; `ref` is
 * the user id or the invitation / request id). PostgreSQL searches with trigram indexes instead.
 */
export interface MembersSearchRowsTable {
  id: number;
  workspace_id: string;
  kind: 'm' | 'i' | 'r';
  ref: string;
}

/**
 * SQLite, migration 0051: how many rows of the members search a workspace has room for. A
 * workspace's `members_search_rows` ids are `slot * MEMBERS_SEARCH_RANGE + 1, + 2, ...`, so an FTS5
 * match can be bounded to one workspace by rowid.
 */
export const MEMBERS_SEARCH_RANGE = 2 ** 32;

/** SQLite, migration 0051: each workspace's slot, the high part of its members search ids. */
export interface MembersSearchSpacesTable {
  workspace_id: string;
  slot: number;
}

/** SQLite only (migration 0030): the FTS5 `trigram` table over what the members view searches. */
export interface MembersSearchTable {
  rowid: number;
  sort_key: string;
  email: string;
}

/**
 * SQLite, migration 0050 (replacing `members_grams` there): an FTS5 table, one row a member under
 * its `members_search_rows` id, one token a gram (`g` and the gram's UTF-8 bytes in hex).
 */
export interface MembersGramsFtsTable {
  rowid: number;
  grams: string;
}

/**
 * Migration 0043: every distinct 1- and 2-character substring of each member's sort key and email,
 * one row per (gram, member), in display order within (workspace_id, gram).
 */
export interface MembersGramsTable {
  workspace_id: string;
  gram: string;
  sort_key: string;
  user_id: string;
}

export interface Database {
  user: UserTable;
  session: SessionTable;
  account: AccountTable;
  workspaces: WorkspacesTable;
  memberships: MembershipsTable;
  mail_outbox: MailOutboxTable;
  invitations: InvitationsTable;
  join_requests: JoinRequestsTable;
  invite_links: InviteLinksTable;
  notification_counters: NotificationCountersTable;
  notifications: NotificationsTable;
  suggestion_dismissals: SuggestionDismissalsTable;
  api_keys: ApiKeysTable;
  seat_purchases: SeatPurchasesTable;
  audit_events: AuditEventsTable;
  items: ItemsTable;
  item_grants: ItemGrantsTable;
  video_files: VideoFilesTable;
  storage_deletions: StorageDeletionsTable;
  share_pages: SharePagesTable;
  caption_tracks: CaptionTracksTable;
  members_search_rows: MembersSearchRowsTable;
  /** SQLite only. */
  members_search_spaces: MembersSearchSpacesTable;
  members_search: MembersSearchTable;
  /** PostgreSQL only since migration 0050. */
  members_grams: MembersGramsTable;
  /** SQLite only. */
  members_grams_fts: MembersGramsFtsTable;
}
