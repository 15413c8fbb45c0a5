/**
 * The library benchmark's datasets (bench/items.ts): one workspace, created through the HTTP API by
 * its admin, filled in bulk straight into the database once the schema exists (the server's
 * migrations made it) and while no server is running:
 *
 * - members: the admin and the four bench users (signed up through the HTTP API; here they get
 *   their memberships) plus generated users in Better Auth's `user` table, stored the way a real
 *   sign-up stores them (SQLite: ISO-8601 text dates, 0/1 booleans; PostgreSQL: timestamptz,
 *   boolean), with memberships (about 2 % super_admin, 10 % developer, 50 % creator, the rest viewer).
 * - items: a few deep "spines" (a folder in a folder ... `depth` levels, with files in every level),
 *   big folders (`bigFolderSize` children each), items at the root, and many shallow folders
 *   (nested up to `shallowDepth`) holding the rest. General access about 60 % selected, 25 %
 *   workspace, 15 % only_me (folders too, so there are only_me folders inside shared ones).
 *   Owners are non-Viewers, skewed (some own much more). Ids are ULID-like (time + random) and
 *   children are always newer than their folder, as in real use.
 * - grants: exactly `grants` rows, unique (item_id, user_id), never to the item's owner; more on
 *   selected items and folders, a few items shared very widely; the grantee is skewed (rank r of
 *   the eligible members is drawn with probability ~ 1/sqrt(r)), the `sharee` bench user being rank 0.
 *
 * The bench users' access is set up on purpose (see `ItemTargets`): `inherit` (creator) reaches the
 * deepest folder of spine 0 only through a grant on its top folder; `workspace` (developer) reaches
 * spine 1 through the top folder's workspace access; `direct` (viewer) has direct grants on a few
 * items; `sharee` (creator) has the most grants. None of them owns anything or gets random grants
 * (except `sharee`).
 *
 * Loading: SQLite through better-sqlite3 directly on the file (one prepared INSERT per table, 50,000
 * rows per transaction, foreign keys checked afterwards with `PRAGMA foreign_key_check`); PostgreSQL
 * through one pg client, `INSERT ... SELECT FROM unnest($arrays)` in batches (foreign keys checked as
 * rows go in). Then ANALYZE (PostgreSQL: VACUUM (ANALYZE)). Every row is generated with a seeded
 * generator: the same dataset on every run, except the bench users' ids.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { sortKey } from '../src/domain/members.ts';
import type { DialectName } from './lib.ts';

export type DatasetName = 'S' | 'L';

export interface ItemsSpec {
  /** Members in total, the admin and the bench users included. */
  members: number;
  items: number;
  grants: number;
  /** Folders per spine: the deepest folder is at this depth (the root's children are depth 1). */
  depth: number;
  spines: number;
  /** Files in each spine folder but the deepest, and in the deepest. */
  spineFiles: number;
  deepFiles: number;
  bigFolders: number;
  bigFolderSize: number;
  /** Files at the library root (besides the root folders). */
  rootItems: number;
  shallowFolders: number;
  shallowDepth: number;
}

export const DATASETS: Record<DatasetName, ItemsSpec> = {
  S: {
    members: 100,
    items: 1_000,
    grants: 6_000,
    depth: 20,
    spines: 4,
    spineFiles: 2,
    deepFiles: 10,
    bigFolders: 1,
    bigFolderSize: 150,
    rootItems: 60,
    shallowFolders: 60,
    shallowDepth: 4,
  },
  L: {
    members: 10_000,
    items: 500_000,
    grants: 3_000_000,
    depth: 20,
    spines: 6,
    spineFiles: 10,
    deepFiles: 200,
    bigFolders: 2,
    bigFolderSize: 20_000,
    rootItems: 3_000,
    shallowFolders: 40_000,
    shallowDepth: 5,
  },
};

export const BENCH_ROLES = ['admin', 'inherit', 'direct', 'workspace', 'sharee'] as const;
export type BenchRole = (typeof BENCH_ROLES)[number];
/** The bench users' roles in the workspace (the admin created it: super_admin). */
export const BENCH_ROLE_OF: Record<BenchRole, string> = {
  admin: 'super_admin',
  inherit: 'creator',
  direct: 'viewer',
  workspace: 'developer',
  sharee: 'creator',
};

export interface BenchUser {
  id: string;
  email: string;
  name: string;
}

/** Item ids the benchmark reads, with who reads them and why they may. */
export interface ItemTargets {
  /** A file in spine 0's deepest folder: `inherit` views it through the grant on spine 0's top folder. */
  deepInherit: string;
  /** A file in spine 1's deepest folder: `workspace` views it through the top folder's workspace access. */
  deepWorkspace: string;
  /** A file in spine 2's deepest folder with a direct grant to `direct` (nothing above it reaches them). */
  deepDirect: string;
  /** A file in spine 3's deepest folder, under an only_me folder at depth 10: `workspace` must get 404. */
  deepBlocked: string;
  /** A file two folders below the root with a direct grant to `direct`. */
  shallowDirect: string;
  /** A file at the root with workspace access (view). */
  rootWorkspace: string;
  /** The first big folder (selected, a grant to `inherit`) and one of its files. */
  bigFolder: string;
  bigChild: string;
  /** Spine 0's deepest folder. */
  deepFolder: string;
}

export interface ItemsDatasetInfo {
  dataset: DatasetName;
  members: number;
  roles: Record<string, number>;
  items: number;
  folders: number;
  /** The deepest folder's depth (the root's children are depth 1), and the deepest item's. */
  maxFolderDepth: number;
  maxDepth: number;
  rootEntries: number;
  generalAccess: { only_me: number; selected: number; workspace: number };
  onlyMeFoldersInsideSharedFolders: number;
  grants: number;
  grantsOfSharee: number;
  grantsOfBusiestOther: number;
  membersWithGrants: number;
  maxGrantsOnOneItem: number;
  /** Seconds: generating in memory, loading each table, ANALYZE, the foreign key check (SQLite). */
  seconds: { generate: number; users: number; items: number; grants: number; analyze: number; check: number };
  totalSeconds: number;
}

/** mulberry32: a small seeded generator. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ULID_CHARS = '0123456789abcdefghjkmnpqrstvwxyz';
const USER_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const WORDS = (
  'amber atlas beacon birch canyon cedar comet coral delta ember falcon fern glacier harbor ' +
  'horizon indigo island jasper juniper lagoon lantern maple meadow meteor nebula oasis onyx ' +
  'orchid pebble pine prairie quartz raven reef river saffron sierra spruce summit tidal timber ' +
  'topaz tundra valley velvet willow zephyr launch pitch promo tutorial teaser recap intro ' +
  'keynote webinar demo onboarding briefing update'
).split(' ');
const FOLDER_WORDS = 'Projects Campaign Assets Drafts Archive Clients Team Q1 Q2 Q3 Q4 Library Shared'.split(
  ' ',
);
const FIRST = 'Ada Ben Chen Dana Eli Fay Gus Hana Ivo Jun Kai Lea Max Nia Omar Pia Raj Sol Tao Uma'.split(
  ' ',
);
const LAST = 'Abe Bauer Costa Dubois Evans Fischer Garcia Haddad Ito Khan Lopez Moreno Novak Okafor'.split(
  ' ',
);
const FILE_KINDS = ['draft', 'draft', 'draft', 'draft', 'video', 'video', 'video', 'avatar', 'voice'];
const ACCESS = ['only_me', 'selected', 'workspace'] as const;

/** Everything generated, in columns; items in creation order (a folder always before its contents). */
interface Generated {
  users: { id: string; name: string; email: string; createdAt: number }[];
  memberships: { userId: string; role: string; email: string; name: string; createdAt: number }[];
  item: {
    id: string[];
    parent: Int32Array;
    kind: string[];
    title: string[];
    owner: Int32Array;
    access: Uint8Array;
    wsEdit: Uint8Array;
    createdAt: Float64Array;
  };
  /** Member index -> user id (0 is the admin). */
  memberIds: string[];
  grant: { item: Int32Array; user: Int32Array; edit: Uint8Array; createdAt: Float64Array };
  targets: ItemTargets;
  info: Omit<ItemsDatasetInfo, 'seconds' | 'totalSeconds'>;
}

function generate(
  name: DatasetName,
  spec: ItemsSpec,
  bench: Record<BenchRole, BenchUser>,
  now: number,
): Generated {
  const rnd = seeded(20261128 + spec.items);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(list: readonly T[]) => list[int(list.length)] as T;
  const YEAR = 365 * 86_400_000;
  const start = now - 2 * YEAR;
  const end = now - 86_400_000;

  // Members: 0..4 the bench users, then the generated ones.
  const memberIds: string[] = [];
  const roles: string[] = [];
  const users: Generated['users'] = [];
  const memberships: Generated['memberships'] = [];
  for (const role of BENCH_ROLES) {
    memberIds.push(bench[role].id);
    roles.push(BENCH_ROLE_OF[role]);
    if (role !== 'admin') {
      const u = bench[role];
      memberships.push({
        userId: u.id,
        role: BENCH_ROLE_OF[role],
        email: u.email,
        name: u.name,
        createdAt: now,
      });
    }
  }
  for (let i = memberIds.length; i < spec.members; i++) {
    const id = Array.from({ length: 32 }, () => USER_CHARS[int(USER_CHARS.length)]).join('');
    const nm = `${pick(FIRST)} ${pick(LAST)}`;
    const email = `member${i}@bench.example`;
    const r = rnd();
    const role = r < 0.02 ? 'super_admin' : r < 0.12 ? 'developer' : r < 0.62 ? 'creator' : 'viewer';
    const createdAt = start - int(YEAR);
    memberIds.push(id);
    roles.push(role);
    users.push({ id, name: nm, email, createdAt });
    memberships.push({ userId: id, role, email, name: nm, createdAt });
  }
  const FIRST_BULK = BENCH_ROLES.length;
  // Owners: generated non-Viewers, skewed (the first candidates own the most).
  const ownerCandidates: number[] = [];
  for (let i = FIRST_BULK; i < spec.members; i++) if (roles[i] !== 'viewer') ownerCandidates.push(i);
  const anOwner = () => ownerCandidates[Math.floor(ownerCandidates.length * rnd() ** 1.5)] as number;

  // Items, in generation order first (parents before children).
  const n = spec.items;
  const parent = new Int32Array(n).fill(-1);
  const kind: string[] = new Array(n);
  const title: string[] = new Array(n);
  const owner = new Int32Array(n);
  const access = new Uint8Array(n);
  const wsEdit = new Uint8Array(n);
  const depth = new Uint8Array(n);
  const time = new Float64Array(n);
  let count = 0;
  const randomAccess = () => {
    const r = rnd();
    return r < 0.15 ? 0 : r < 0.75 ? 1 : 2;
  };
  const add = (p: number, k: string, t: string, acc = randomAccess()): number => {
    if (count >= n) throw new Error(`dataset ${name}: more than ${n} items planned`);
    const i = count++;
    parent[i] = p;
    kind[i] = k;
    title[i] = t;
    owner[i] = anOwner();
    access[i] = acc;
    wsEdit[i] = rnd() < 0.2 ? 1 : 0;
    depth[i] = p < 0 ? 1 : (depth[p] as number) + 1;
    const from = p < 0 ? start : (time[p] as number);
    time[i] = from + 1 + Math.floor(rnd() * (end - from - 1) * (p < 0 ? 1 : 0.5));
    return i;
  };
  const fileTitle = () =>
    `${pick(WORDS)} ${pick(WORDS)} ${int(10_000)}`.replace(/^./, (c) => c.toUpperCase());
  const addFile = (p: number, acc?: number) => add(p, pick(FILE_KINDS), fileTitle(), acc);

  // Spines. 0: selected all the way (a grant to `inherit` on the top folder); 1: the top folder is
  // workspace (view); 2: selected all the way; 3: top folder workspace, an only_me folder at depth 10.
  const SELECTED = 1;
  const spineDeepest: number[] = [];
  const spineFirstDeepFile: number[] = [];
  for (let s = 0; s < spec.spines; s++) {
    let p = -1;
    for (let d = 1; d <= spec.depth; d++) {
      let acc = s >= 4 ? randomAccess() : SELECTED;
      if ((s === 1 || s === 3) && d === 1) acc = 2;
      if (s === 3 && d === 10) acc = 0;
      const f = add(p, 'folder', `Spine ${s} level ${d}`, acc);
      if (s === 1 && d === 1) wsEdit[f] = 0;
      const files = d === spec.depth ? spec.deepFiles : spec.spineFiles;
      for (let k = 0; k < files; k++) {
        const file = addFile(f, k === 0 ? SELECTED : undefined);
        if (d === spec.depth && k === 0) spineFirstDeepFile.push(file);
      }
      p = f;
    }
    spineDeepest.push(p);
  }
  // Big folders: the first is selected (a grant to `inherit`), the others random.
  const bigFolders: number[] = [];
  let bigChild = -1;
  for (let b = 0; b < spec.bigFolders; b++) {
    const f = add(-1, 'folder', `Big ${pick(FOLDER_WORDS)} ${b}`, b === 0 ? SELECTED : undefined);
    bigFolders.push(f);
    for (let k = 0; k < spec.bigFolderSize; k++) {
      if (rnd() < 0.03) add(f, 'folder', `${pick(WORDS)} ${pick(FOLDER_WORDS)} ${int(1000)}`);
      else {
        const c = addFile(f, b === 0 && bigChild < 0 ? SELECTED : undefined);
        if (b === 0 && bigChild < 0) bigChild = c;
      }
    }
  }
  // Root files (the first one: workspace access, view).
  const rootWorkspace = addFile(-1, 2);
  wsEdit[rootWorkspace] = 0;
  for (let k = 1; k < spec.rootItems; k++) addFile(-1);
  // Shallow folders: 10 % at the root, the others inside an earlier shallow folder not too deep.
  const shallow: number[] = [];
  for (let k = 0; k < spec.shallowFolders; k++) {
    let p = -1;
    if (shallow.length > 0 && rnd() >= 0.1) {
      for (let tries = 0; tries < 10; tries++) {
        const c = shallow[int(shallow.length)] as number;
        if ((depth[c] as number) < spec.shallowDepth) {
          p = c;
          break;
        }
      }
    }
    shallow.push(
      add(
        p,
        'folder',
        `${pick(WORDS)} ${pick(FOLDER_WORDS)}`.replace(/^./, (c) => c.toUpperCase()),
      ),
    );
  }
  // One file two levels down with a direct grant to `direct`.
  const depth2 = shallow.find((f) => depth[f] === 2);
  if (depth2 === undefined) throw new Error(`dataset ${name}: no shallow folder at depth 2`);
  const shallowDirect = addFile(depth2, SELECTED);
  // The rest: files in shallow folders, skewed towards the older folders.
  while (count < n) addFile(shallow[Math.floor(shallow.length * rnd() ** 1.5)] as number);

  // Creation order: children are always newer than their folder, so sorting by time keeps
  // folders first. Ids are ULID-like: 10 characters of time, 16 random.
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (time[a] as number) - (time[b] as number),
  );
  const rank = new Int32Array(n);
  order.forEach((old, i) => {
    rank[old] = i;
  });
  const ulid = (ms: number) => {
    let t = ms;
    let head = '';
    for (let k = 0; k < 10; k++) {
      head = ULID_CHARS[t % 32] + head;
      t = Math.floor(t / 32);
    }
    let tail = '';
    for (let k = 0; k < 16; k++) tail += ULID_CHARS[int(32)];
    return head + tail;
  };
  const item: Generated['item'] = {
    id: new Array(n),
    parent: new Int32Array(n),
    kind: new Array(n),
    title: new Array(n),
    owner: new Int32Array(n),
    access: new Uint8Array(n),
    wsEdit: new Uint8Array(n),
    createdAt: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const old = order[i] as number;
    item.id[i] = ulid(time[old] as number);
    const p = parent[old] as number;
    item.parent[i] = p < 0 ? -1 : (rank[p] as number);
    if (p >= 0 && (item.parent[i] as number) >= i) throw new Error('a child before its folder');
    item.kind[i] = kind[old] as string;
    item.title[i] = title[old] as string;
    item.owner[i] = owner[old] as number;
    item.access[i] = access[old] as number;
    item.wsEdit[i] = wsEdit[old] as number;
    item.createdAt[i] = time[old] as number;
  }
  const idOf = (old: number) => item.id[rank[old] as number] as string;

  // Grants. Eligible grantees: `sharee` first, then the generated members in a random order.
  const eligible = [BENCH_ROLES.indexOf('sharee')];
  const bulk = Array.from({ length: spec.members - FIRST_BULK }, (_, i) => FIRST_BULK + i);
  for (let i = bulk.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [bulk[i], bulk[j]] = [bulk[j] as number, bulk[i] as number];
  }
  eligible.push(...bulk);
  const grantee = () => eligible[Math.floor(eligible.length * rnd() ** 2)] as number;

  // The bench users' own grants (by new item index).
  const special: [number, BenchRole][] = [];
  const spineTop = (s: number) => {
    let f = spineDeepest[s] as number;
    while ((parent[f] as number) >= 0) f = parent[f] as number;
    return f;
  };
  special.push([rank[spineTop(0)] as number, 'inherit']);
  special.push([rank[bigFolders[0] as number] as number, 'inherit']);
  special.push([rank[spineFirstDeepFile[2] as number] as number, 'direct']);
  special.push([rank[shallowDirect] as number, 'direct']);

  const randomGrants = spec.grants - special.length;
  const weights = new Float64Array(n);
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    let w = [0.3, 1.6, 0.6][item.access[i] as number] as number;
    if (item.kind[i] === 'folder') w *= 2;
    if (rnd() < 0.0005) w *= 50; // shared very widely
    weights[i] = w;
    weightSum += w;
  }
  const cap = Math.floor((eligible.length - 1) * 0.8);
  const per = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = ((weights[i] as number) * randomGrants) / weightSum;
    const c = Math.min(cap, Math.floor(x) + (rnd() < x - Math.floor(x) ? 1 : 0));
    per[i] = c;
    total += c;
  }
  while (total !== randomGrants) {
    const i = int(n);
    if (total < randomGrants && (per[i] as number) < cap) {
      per[i] = (per[i] as number) + 1;
      total++;
    } else if (total > randomGrants && (per[i] as number) > 0) {
      per[i] = (per[i] as number) - 1;
      total--;
    }
  }
  const g = spec.grants;
  const grant: Generated['grant'] = {
    item: new Int32Array(g),
    user: new Int32Array(g),
    edit: new Uint8Array(g),
    createdAt: new Float64Array(g),
  };
  let gi = 0;
  const specialsByItem = new Map<number, number[]>();
  for (const [it, role] of special) {
    const list = specialsByItem.get(it) ?? [];
    list.push(BENCH_ROLES.indexOf(role));
    specialsByItem.set(it, list);
  }
  const grantsPerMember = new Int32Array(spec.members);
  let maxPerItem = 0;
  for (let i = 0; i < n; i++) {
    const taken = new Set<number>(specialsByItem.get(i) ?? []);
    const own = item.owner[i] as number;
    const c = per[i] as number;
    for (let k = 0; k < c; k++) {
      let u = grantee();
      for (let tries = 0; (u === own || taken.has(u)) && tries < 50; tries++) u = grantee();
      while (u === own || taken.has(u)) u = eligible[int(eligible.length)] as number;
      taken.add(u);
    }
    const benchGrants = specialsByItem.get(i);
    for (const u of taken) {
      grant.item[gi] = i;
      grant.user[gi] = u;
      // The bench users' own grants are view; the others 30 % edit.
      grant.edit[gi] = benchGrants?.includes(u) ? 0 : rnd() < 0.3 ? 1 : 0;
      const from = item.createdAt[i] as number;
      grant.createdAt[gi] = from + 1 + Math.floor(rnd() * (now - from - 1));
      grantsPerMember[u] = (grantsPerMember[u] as number) + 1;
      gi++;
    }
    maxPerItem = Math.max(maxPerItem, taken.size);
  }
  if (gi !== g) throw new Error(`dataset ${name}: ${gi} grants generated, ${g} planned`);

  // Figures.
  const roleCounts: Record<string, number> = {};
  for (const r of roles) roleCounts[r] = (roleCounts[r] ?? 0) + 1;
  const ga = { only_me: 0, selected: 0, workspace: 0 };
  let folders = 0;
  let rootEntries = 0;
  let onlyMeInShared = 0;
  for (let i = 0; i < n; i++) {
    ga[ACCESS[item.access[i] as number] as keyof typeof ga]++;
    const p = item.parent[i] as number;
    if (p < 0) rootEntries++;
    if (item.kind[i] === 'folder') {
      folders++;
      if (item.access[i] === 0 && p >= 0 && item.access[p] !== 0) onlyMeInShared++;
    }
  }
  let maxDepth = 0;
  let maxFolderDepth = 0;
  for (let i = 0; i < n; i++) {
    maxDepth = Math.max(maxDepth, depth[i] as number);
    if (kind[i] === 'folder') maxFolderDepth = Math.max(maxFolderDepth, depth[i] as number);
  }
  const sharee = BENCH_ROLES.indexOf('sharee');
  let busiestOther = 0;
  let withGrants = 0;
  grantsPerMember.forEach((c, u) => {
    if (c > 0) withGrants++;
    if (u !== sharee) busiestOther = Math.max(busiestOther, c);
  });

  return {
    users,
    memberships,
    item,
    memberIds,
    grant,
    targets: {
      deepInherit: idOf(spineFirstDeepFile[0] as number),
      deepWorkspace: idOf(spineFirstDeepFile[1] as number),
      deepDirect: idOf(spineFirstDeepFile[2] as number),
      deepBlocked: idOf(spineFirstDeepFile[3] as number),
      shallowDirect: idOf(shallowDirect),
      rootWorkspace: idOf(rootWorkspace),
      bigFolder: idOf(bigFolders[0] as number),
      bigChild: idOf(bigChild),
      deepFolder: idOf(spineDeepest[0] as number),
    },
    info: {
      dataset: name,
      members: spec.members,
      roles: roleCounts,
      items: n,
      folders,
      maxFolderDepth,
      maxDepth,
      rootEntries,
      generalAccess: ga,
      onlyMeFoldersInsideSharedFolders: onlyMeInShared,
      grants: g,
      grantsOfSharee: grantsPerMember[sharee] as number,
      grantsOfBusiestOther: busiestOther,
      membersWithGrants: withGrants,
      maxGrantsOnOneItem: maxPerItem,
    },
  };
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;
const SQLITE_BATCH = 50_000;
const PG_BATCH = 20_000;

async function loadSqlite(
  file: string,
  workspaceId: string,
  gen: Generated,
  t: ItemsDatasetInfo['seconds'],
): Promise<void> {
  const db = new SQLite(file);
  try {
    // Bulk-load settings for this connection only; the server's connection sets its own.
    db.pragma('foreign_keys = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000');
    db.pragma('temp_store = MEMORY');
    const iso = (ms: number) => new Date(ms).toISOString();
    let t0 = performance.now();
    const insUser = db.prepare(
      'INSERT INTO "user" (id, name, email, "emailVerified", image, "createdAt", "updatedAt") VALUES (?, ?, ?, 1, NULL, ?, ?)',
    );
    const insMember = db.prepare(
      'INSERT INTO memberships (workspace_id, user_id, role, email, name, sort_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const u of gen.users) insUser.run(u.id, u.name, u.email, iso(u.createdAt), iso(u.createdAt));
      for (const m of gen.memberships)
        insMember.run(workspaceId, m.userId, m.role, m.email, m.name, sortKey(m.name, m.email), m.createdAt);
      const res = db
        .prepare('UPDATE workspaces SET seat_limit = ?, seats_used = ? WHERE id = ?')
        .run(gen.memberIds.length, gen.memberIds.length, workspaceId);
      if (res.changes !== 1) throw new Error('workspace not found');
    })();
    t.users = seconds(performance.now() - t0);

    t0 = performance.now();
    const it = gen.item;
    const insItem = db.prepare(
      'INSERT INTO items (id, workspace_id, kind, title, kind_rank, title_key, parent_id, owner_id, ' +
        'general_access, workspace_permission, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const itemBatch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const p = it.parent[i] as number;
        const title = it.title[i] as string;
        const kind = it.kind[i] as string;
        insItem.run(
          it.id[i],
          workspaceId,
          kind,
          title,
          kind === 'folder' ? 0 : 1,
          title.toLowerCase(),
          p < 0 ? null : it.id[p],
          gen.memberIds[it.owner[i] as number],
          ACCESS[it.access[i] as number],
          it.wsEdit[i] ? 'edit' : 'view',
          it.createdAt[i],
          it.createdAt[i],
        );
      }
    });
    for (let i = 0; i < it.id.length; i += SQLITE_BATCH)
      itemBatch(i, Math.min(it.id.length, i + SQLITE_BATCH));
    t.items = seconds(performance.now() - t0);

    t0 = performance.now();
    const gr = gen.grant;
    const insGrant = db.prepare(
      'INSERT INTO item_grants (item_id, user_id, workspace_id, permission, granted_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const grantBatch = db.transaction((from: number, to: number) => {
      for (let k = from; k < to; k++) {
        const i = gr.item[k] as number;
        insGrant.run(
          it.id[i],
          gen.memberIds[gr.user[k] as number],
          workspaceId,
          gr.edit[k] ? 'edit' : 'view',
          gen.memberIds[it.owner[i] as number],
          gr.createdAt[k],
        );
      }
    });
    for (let k = 0; k < gr.item.length; k += SQLITE_BATCH)
      grantBatch(k, Math.min(gr.item.length, k + SQLITE_BATCH));
    t.grants = seconds(performance.now() - t0);

    t0 = performance.now();
    db.exec('ANALYZE');
    t.analyze = seconds(performance.now() - t0);
    t0 = performance.now();
    const broken = db.pragma('foreign_key_check') as unknown[];
    if (broken.length)
      throw new Error(`foreign_key_check: ${broken.length} rows, e.g. ${JSON.stringify(broken[0])}`);
    t.check = seconds(performance.now() - t0);
    // The server then reads from the database file, not a long write-ahead log.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

async function loadPostgres(
  url: string,
  workspaceId: string,
  gen: Generated,
  t: ItemsDatasetInfo['seconds'],
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off');
    let t0 = performance.now();
    await client.query('BEGIN');
    const u = gen.users;
    await client.query(
      `INSERT INTO "user" (id, name, email, "emailVerified", image, "createdAt", "updatedAt")
       SELECT id, name, email, true, NULL, to_timestamp(at / 1000.0), to_timestamp(at / 1000.0)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS x(id, name, email, at)`,
      [u.map((x) => x.id), u.map((x) => x.name), u.map((x) => x.email), u.map((x) => x.createdAt)],
    );
    const m = gen.memberships;
    await client.query(
      `INSERT INTO memberships (workspace_id, user_id, role, email, name, sort_key, created_at)
       SELECT $1, user_id, role, email, name, sort_key, created_at
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[])
         AS x(user_id, role, email, name, sort_key, created_at)`,
      [
        workspaceId,
        m.map((x) => x.userId),
        m.map((x) => x.role),
        m.map((x) => x.email),
        m.map((x) => x.name),
        m.map((x) => sortKey(x.name, x.email)),
        m.map((x) => x.createdAt),
      ],
    );
    const res = await client.query('UPDATE workspaces SET seat_limit = $1, seats_used = $1 WHERE id = $2', [
      gen.memberIds.length,
      workspaceId,
    ]);
    if (res.rowCount !== 1) throw new Error('workspace not found');
    await client.query('COMMIT');
    t.users = seconds(performance.now() - t0);

    t0 = performance.now();
    const it = gen.item;
    for (let from = 0; from < it.id.length; from += PG_BATCH) {
      const to = Math.min(it.id.length, from + PG_BATCH);
      const ids: string[] = [];
      const kinds: string[] = [];
      const titles: string[] = [];
      const parents: (string | null)[] = [];
      const owners: string[] = [];
      const accesses: string[] = [];
      const perms: string[] = [];
      const times: number[] = [];
      for (let i = from; i < to; i++) {
        const p = it.parent[i] as number;
        ids.push(it.id[i] as string);
        kinds.push(it.kind[i] as string);
        titles.push(it.title[i] as string);
        parents.push(p < 0 ? null : (it.id[p] as string));
        owners.push(gen.memberIds[it.owner[i] as number] as string);
        accesses.push(ACCESS[it.access[i] as number] as string);
        perms.push(it.wsEdit[i] ? 'edit' : 'view');
        times.push(it.createdAt[i] as number);
      }
      await client.query(
        `INSERT INTO items (id, workspace_id, kind, title, kind_rank, title_key, parent_id, owner_id,
                            general_access, workspace_permission, created_at, updated_at)
         SELECT id, $1, kind, title, CASE WHEN kind = 'folder' THEN 0 ELSE 1 END, title_key, parent_id,
                owner_id, general_access, workspace_permission, created_at, created_at
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::int8[])
           AS x(id, kind, title, title_key, parent_id, owner_id, general_access, workspace_permission, created_at)`,
        [
          workspaceId,
          ids,
          kinds,
          titles,
          titles.map((s) => s.toLowerCase()),
          parents,
          owners,
          accesses,
          perms,
          times,
        ],
      );
    }
    t.items = seconds(performance.now() - t0);

    t0 = performance.now();
    const gr = gen.grant;
    for (let from = 0; from < gr.item.length; from += PG_BATCH * 2) {
      const to = Math.min(gr.item.length, from + PG_BATCH * 2);
      const items: string[] = [];
      const users: string[] = [];
      const perms: string[] = [];
      const by: string[] = [];
      const times: number[] = [];
      for (let k = from; k < to; k++) {
        const i = gr.item[k] as number;
        items.push(it.id[i] as string);
        users.push(gen.memberIds[gr.user[k] as number] as string);
        perms.push(gr.edit[k] ? 'edit' : 'view');
        by.push(gen.memberIds[it.owner[i] as number] as string);
        times.push(gr.createdAt[k] as number);
      }
      await client.query(
        `INSERT INTO item_grants (item_id, user_id, workspace_id, permission, granted_by, created_at)
         SELECT item_id, user_id, $1, permission, granted_by, created_at
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int8[])
           AS x(item_id, user_id, permission, granted_by, created_at)`,
        [workspaceId, items, users, perms, by, times],
      );
    }
    t.grants = seconds(performance.now() - t0);

    t0 = performance.now();
    // What autovacuum does soon after a bulk load (statistics, visibility map).
    await client.query('VACUUM (ANALYZE) "user", memberships, workspaces, items, item_grants');
    t.analyze = seconds(performance.now() - t0);
    t.check = 0; // foreign keys were checked as the rows went in
  } finally {
    await client.end();
  }
}

/**
 * Generates the dataset and loads it into the workspace `workspaceId` (which exists, with the admin
 * as its only member). No server may be running on a SQLite file.
 */
export async function buildItems(
  dialect: DialectName,
  url: string,
  name: DatasetName,
  workspaceId: string,
  bench: Record<BenchRole, BenchUser>,
  now = Date.now(),
): Promise<{ info: ItemsDatasetInfo; targets: ItemTargets }> {
  const started = performance.now();
  const spec = DATASETS[name];
  const gen = generate(name, spec, bench, now);
  const t: ItemsDatasetInfo['seconds'] = {
    generate: seconds(performance.now() - started),
    users: 0,
    items: 0,
    grants: 0,
    analyze: 0,
    check: 0,
  };
  if (dialect === 'sqlite') await loadSqlite(url.replace(/^sqlite:/, ''), workspaceId, gen, t);
  else await loadPostgres(url, workspaceId, gen, t);
  return {
    info: { ...gen.info, seconds: t, totalSeconds: seconds(performance.now() - started) },
    targets: gen.targets,
  };
}
