import { z } from 'zod';
import { Id } from './common.ts';
import { Role } from './roles.ts';
import { Label, Text } from './text.ts';

export const itemKinds = ['folder', 'draft', 'video', 'avatar', 'voice'] as const;
export const ItemKind = z.enum(itemKinds);
export type ItemKind = z.infer<typeof ItemKind>;

export const generalAccessLevels = ['only_me', 'selected', 'workspace'] as const;
export const GeneralAccess = z.enum(generalAccessLevels);
export type GeneralAccess = z.infer<typeof GeneralAccess>;

/** What can be granted. */
export const Permission = z.enum(['view', 'edit']);
export type Permission = z.infer<typeof Permission>;

/** What a member ends up with on an item. */
export const EffectivePermission = z.enum(['none', 'view', 'edit']);
export type EffectivePermission = z.infer<typeof EffectivePermission>;

export const Abilities = z.object({
  edit: z.boolean(),
  share: z.boolean(),
  delete: z.boolean(),
  move: z.boolean(),
  moveToRoot: z
    .boolean()
    .describe(
      'Whether a move to the library root is allowed: there the item has only its own sharing, which must leave you some access (docs/RULES.md)',
    ),
});
export type Abilities = z.infer<typeof Abilities>;

/** Titles follow the label rule (text.ts): trimmed, one line, 1-200 characters. */
const ItemTitle = Label(200);

export const Item = z.object({
  id: z.string(),
  workspaceId: z.string(),
  kind: ItemKind,
  title: z.string(),
  parentId: z.string().nullable(),
  ownerId: z.string(),
  generalAccess: GeneralAccess,
  workspacePermission: Permission,
  permission: Permission.describe("The caller's effective permission"),
  abilities: Abilities,
  createdAt: z.string(),
  updatedAt: z.string(),
  ownerName: z.string().optional().describe("The owner's name (in listings)"),
});
export type Item = z.infer<typeof Item>;

export const ItemList = z.object({ items: z.array(Item), nextCursor: z.string().nullable() });
export type ItemList = z.infer<typeof ItemList>;

export const CreateItemBody = z.strictObject({
  kind: ItemKind,
  title: ItemTitle,
  parentId: Id.nullable()
    .optional()
    .describe('A folder of the same workspace; omitted or null: the library root'),
});

export const UpdateItemBody = z
  .strictObject({
    title: ItemTitle.optional(),
    parentId: Id.nullable().optional().describe('Move into this folder (null: the root)'),
  })
  .refine((b) => b.title !== undefined || b.parentId !== undefined, { message: 'Nothing to change' });

export const ItemsQuery = z.object({
  parentId: Id.optional().describe('List this folder; omitted: the library root'),
  view: z
    .enum(['folder', 'shared', 'mine'])
    .default('folder')
    .describe(
      '`folder`: the root (everything you can see there: "Workspace") or the folder `parentId`; `shared`: items shared with you by others; `mine`: items you own ("My library")',
    ),
  sort: z.enum(['name', 'date']).default('name'),
  cursor: Text.max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ItemParams = z.object({ id: Id });

export const DeleteItemQuery = z.object({
  permanent: z
    .enum(['true', 'false'])
    .default('false')
    .describe('`true`: delete for good (from the trash, or skipping it); otherwise move to the trash'),
});

/** A deleted item in the workspace trash (SPEC §5), as its page lists it. */
export const TrashedItem = z.object({
  id: z.string(),
  workspaceId: z.string(),
  kind: ItemKind,
  title: z.string(),
  parentId: z.string().nullable(),
  ownerId: z.string(),
  ownerName: z.string(),
  trashedAt: z.string(),
  trashedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  purgeAt: z.string().describe('When the purge job deletes it for good (30 days after the deletion)'),
  daysLeft: z
    .number()
    .int()
    .describe('Days left before then, rounded up (0: due, the next purge deletes it)'),
});
export type TrashedItem = z.infer<typeof TrashedItem>;

export const TrashList = z.object({ items: z.array(TrashedItem), nextCursor: z.string().nullable() });
export type TrashList = z.infer<typeof TrashList>;

export const TrashQuery = z.object({
  cursor: Text.max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const GrantParams = z.object({ id: Id, userId: Id });
export const GrantBody = z.strictObject({ permission: Permission });

export const UpdateAccessBody = z
  .strictObject({ generalAccess: GeneralAccess.optional(), workspacePermission: Permission.optional() })
  .refine((b) => b.generalAccess !== undefined || b.workspacePermission !== undefined, {
    message: 'Nothing to change',
  });

export const accessReasons = [
  'owner',
  'super_admin',
  'direct',
  'inherited',
  'folder_owner',
  'workspace',
] as const;
export const AccessReason = z.object({
  kind: z.enum(accessReasons),
  permission: Permission,
  /** The folder the access comes from, for inherited grants, folder ownership and workspace access. */
  folder: z.object({ id: z.string(), title: z.string() }).nullable(),
});
export type AccessReason = z.infer<typeof AccessReason>;

export const AccessPerson = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  role: Role,
  permission: Permission.describe('Effective permission (a Viewer is always view)'),
  viewerCapped: z.boolean().describe('Granted edit, but a Viewer can only view'),
  reasons: z.array(AccessReason),
});

export const ItemAccess = z.object({
  itemId: z.string(),
  generalAccess: GeneralAccess,
  workspacePermission: Permission,
  /** Grants made on this item itself (what the share dialog edits). */
  grants: z.array(
    z.object({ userId: z.string(), name: z.string(), email: z.string(), role: Role, permission: Permission }),
  ),
  /** Everyone with access and why, besides workspace-wide access. */
  people: z.array(AccessPerson),
  /** Workspace-wide access that reaches this item, if any. */
  workspace: z
    .object({ permission: Permission, folder: z.object({ id: z.string(), title: z.string() }).nullable() })
    .nullable(),
  /** True when the item is `only_me`: grants are kept but dormant. */
  grantsDormant: z.boolean(),
});
export type ItemAccess = z.infer<typeof ItemAccess>;
