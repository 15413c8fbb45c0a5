import {
  Alert,
  Avatar,
  Badge,
  Button,
  Combobox,
  CopyButton,
  Group,
  Loader,
  Pill,
  PillsInput,
  ScrollArea,
  Select,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
  useCombobox,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  IconAlertCircle,
  IconBuilding,
  IconCheck,
  IconEye,
  IconLink,
  IconLock,
  IconUsers,
} from '@tabler/icons-react';
import { type KeyboardEvent, useState } from 'react';
import {
  type GeneralAccess,
  type Item,
  type ItemAccess,
  type Permission,
  roleLabels,
} from '../../../../src/contract/index.ts';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { ConfirmModal } from '../../ui/confirm-modal.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import {
  generalAccessLabel,
  isGeneralAccess,
  isPermission,
  permissionLabels,
  permissionOptions,
  reasonsText,
} from './access-text.ts';
import { type MemberOption, useChangeAccess, useItem, useItemAccess, useMemberSearch } from './hooks.ts';
import classes from './library.module.css';
import { itemLink } from './links.ts';

const VIEWERS_NOTE = 'Viewers can only view';

/**
 * The Share dialog (SPEC §5), like Google Drive's: add members at view or edit, change or remove
 * the people added, set general access, and see everyone who has access and why. Without the
 * `share` ability it is read-only: who has access, nothing to change.
 * Rendered only while open.
 */
export function ShareDialog({ item: initial, onClose }: { item: Item; onClose: () => void }) {
  const workspace = useCurrentWorkspace();
  const me = useSignedInUser();
  const live = useItem(initial.id, initial);
  const item = live.data ?? initial;
  const access = useItemAccess(item.id);
  const change = useChangeAccess(workspace.id, item.id);
  const canShare = item.abilities.share;
  const lost = live.error instanceof ApiError && live.error.status === 404;

  const onChangeError = (error: unknown, title: string) => {
    if (error instanceof ApiError && error.status === 404) {
      notifySuccess('Sharing changed', `You no longer have access to “${item.title}”.`);
      onClose();
      return;
    }
    notifyError(error, title);
  };

  return (
    <AppModal
      opened
      onClose={onClose}
      size="lg"
      title={<Text fw={650}>Share “{item.title}”</Text>}
      attributes={{ content: { 'data-testid': 'share-dialog' } }}
    >
      {lost ? (
        <Stack gap="md">
          <Alert color="orange" variant="light" icon={<IconAlertCircle size={18} />}>
            You no longer have access to this item.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose}>Close</Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md">
          {!canShare ? (
            <Alert color="gray" variant="light" icon={<IconEye size={18} />} data-testid="share-read-only">
              {workspace.role === 'viewer'
                ? 'You can see who has access. Viewers can’t change sharing.'
                : `You can see who has access. Only people who can edit “${item.title}” can change its sharing.`}
            </Alert>
          ) : null}

          {access.isPending ? (
            <Stack gap="sm" aria-busy="true" aria-label="Loading access">
              <Skeleton height={36} />
              <Skeleton height={48} />
              <Skeleton height={48} />
            </Stack>
          ) : access.isError ? (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {errorMessage(access.error)}
            </Alert>
          ) : (
            <>
              {canShare ? (
                <AddPeople
                  workspaceId={workspace.id}
                  access={access.data}
                  exclude={new Set([me.id, item.ownerId, ...access.data.grants.map((g) => g.userId)])}
                  onGrant={(userId, permission) => change.mutateAsync({ type: 'grant', userId, permission })}
                  onError={onChangeError}
                />
              ) : null}
              <PeopleAdded
                access={access.data}
                canShare={canShare}
                busy={change.isPending}
                meId={me.id}
                onChange={(userId, value) =>
                  change.mutate(
                    value === 'remove'
                      ? { type: 'remove', userId }
                      : { type: 'grant', userId, permission: value },
                    { onError: (error) => onChangeError(error, "Couldn't change their access") },
                  )
                }
              />
              <GeneralAccessSection
                item={item}
                access={access.data}
                canShare={canShare}
                busy={change.isPending}
                isOwner={item.ownerId === me.id}
                isAdmin={workspace.role === 'super_admin'}
                workspaceName={workspace.name}
                onChange={(body) =>
                  change.mutate(
                    { type: 'general', ...body },
                    { onError: (error) => onChangeError(error, "Couldn't change general access") },
                  )
                }
              />
              <WhoHasAccess access={access.data} meId={me.id} />
            </>
          )}

          <Group justify="space-between" gap="sm" mt="xs">
            <CopyButton value={itemLink(window.location.origin, workspace.id, item.id)} timeout={2500}>
              {({ copied, copy }) => (
                <Button
                  variant="default"
                  leftSection={copied ? <IconCheck size={16} /> : <IconLink size={16} />}
                  color={copied ? 'teal' : undefined}
                  onClick={copy}
                  data-testid="copy-link"
                >
                  {copied ? 'Link copied' : 'Copy link'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </AppModal>
  );
}

function SectionTitle({ children, count }: { children: string; count?: number }) {
  return (
    <Group gap={6} mb={6}>
      <Title order={3} fz="sm" fw={650}>
        {children}
      </Title>
      {count !== undefined ? (
        <Text size="sm" c="dimmed">
          {count}
        </Text>
      ) : null}
    </Group>
  );
}

/** "Add people": search the workspace's members as you type, pick some, choose view or edit, Share. */
function AddPeople({
  workspaceId,
  access,
  exclude,
  onGrant,
  onError,
}: {
  workspaceId: string;
  access: ItemAccess;
  exclude: Set<string>;
  onGrant: (userId: string, permission: Permission) => Promise<ItemAccess>;
  onError: (error: unknown, title: string) => void;
}) {
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 200);
  const [picked, setPicked] = useState<MemberOption[]>([]);
  const [permission, setPermission] = useState<Permission>('view');
  const [sharing, setSharing] = useState(false);
  const results = useMemberSearch(workspaceId, q, combobox.dropdownOpened || q !== '');
  const options = (results.data ?? []).filter(
    (m) => !exclude.has(m.userId) && !picked.some((p) => p.userId === m.userId),
  );
  const searching = results.isFetching || search.trim() !== q;

  const pick = (userId: string) => {
    const person = options.find((o) => o.userId === userId);
    if (person) setPicked((list) => [...list, person]);
    setSearch('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Backspace' && search === '' && picked.length > 0) {
      event.preventDefault();
      setPicked((list) => list.slice(0, -1));
    }
  };

  const share = async () => {
    if (picked.length === 0) return;
    setSharing(true);
    const done: MemberOption[] = [];
    try {
      for (const person of picked) {
        await onGrant(person.userId, permission);
        done.push(person);
      }
      notifySuccess(
        'Shared',
        access.grantsDormant
          ? `Added ${listNames(done)}; they get access once general access is no longer “Only me”.`
          : `Shared with ${listNames(done)}.`,
      );
    } catch (error) {
      onError(error, "Couldn't share with everyone");
    } finally {
      setPicked((list) => list.filter((p) => !done.includes(p)));
      setSharing(false);
    }
  };

  const viewerPicked = permission === 'edit' && picked.some((p) => p.role === 'viewer');

  return (
    <div>
      <Group gap="sm" align="flex-start" wrap="nowrap">
        <Combobox store={combobox} onOptionSubmit={pick} withinPortal>
          <Combobox.DropdownTarget>
            <PillsInput
              style={{ flex: 1, minWidth: 0 }}
              onClick={() => combobox.openDropdown()}
              rightSection={searching && combobox.dropdownOpened ? <Loader size={14} /> : null}
            >
              <Pill.Group>
                {picked.map((p) => (
                  <Pill
                    key={p.userId}
                    withRemoveButton
                    onRemove={() => setPicked((list) => list.filter((x) => x.userId !== p.userId))}
                    removeButtonProps={{ 'aria-label': `Don't add ${p.name}` }}
                  >
                    {p.name}
                  </Pill>
                ))}
                <Combobox.EventsTarget>
                  <PillsInput.Field
                    value={search}
                    placeholder={picked.length ? '' : 'Add people by name or email'}
                    aria-label="Add people"
                    onChange={(e) => {
                      setSearch(e.currentTarget.value);
                      combobox.openDropdown();
                      combobox.updateSelectedOptionIndex();
                    }}
                    onFocus={() => combobox.openDropdown()}
                    onBlur={() => combobox.closeDropdown()}
                    onKeyDown={onKeyDown}
                    maxLength={100}
                  />
                </Combobox.EventsTarget>
              </Pill.Group>
            </PillsInput>
          </Combobox.DropdownTarget>
          <Combobox.Dropdown>
            <Combobox.Options mah={260} style={{ overflowY: 'auto' }}>
              {options.length > 0 ? (
                options.map((m) => (
                  <Combobox.Option value={m.userId} key={m.userId} aria-label={`${m.name} ${m.email}`}>
                    <Group gap="sm" wrap="nowrap">
                      <Avatar name={m.name} color="initials" size={28} radius="xl" />
                      <div style={{ minWidth: 0, flex: 1 }}>
                        <Text size="sm" fw={500} truncate="end">
                          {m.name}
                        </Text>
                        <Text size="xs" c="dimmed" truncate="end">
                          {m.email}
                        </Text>
                      </div>
                      <Text size="xs" c="dimmed" style={{ flex: 'none' }}>
                        {roleLabels[m.role]}
                      </Text>
                    </Group>
                  </Combobox.Option>
                ))
              ) : (
                <Combobox.Empty>
                  {results.isPending || searching
                    ? 'Searching…'
                    : q
                      ? `No one else in the workspace matches “${q}”`
                      : 'Everyone in the workspace already has a place here'}
                </Combobox.Empty>
              )}
            </Combobox.Options>
          </Combobox.Dropdown>
        </Combobox>
        <Select
          aria-label="Permission for the people you add"
          data={permissionOptions}
          value={permission}
          onChange={(value) => isPermission(value) && setPermission(value)}
          allowDeselect={false}
          w={128}
          style={{ flex: 'none' }}
          comboboxProps={{ withinPortal: true }}
        />
        <Button
          onClick={() => void share()}
          loading={sharing}
          disabled={picked.length === 0}
          style={{ flex: 'none' }}
        >
          Share
        </Button>
      </Group>
      {viewerPicked ? (
        <Text size="xs" c="dimmed" mt={6}>
          {VIEWERS_NOTE}: anyone with the Viewer role gets view access, whatever is chosen.
        </Text>
      ) : null}
    </div>
  );
}

/** "Ada", "Ada and Grace", "Ada, Grace and Katherine". */
function listNames(people: readonly MemberOption[]): string {
  const names = people.map((p) => p.name);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function PersonLabel({
  name,
  email,
  you,
  extra,
}: {
  name: string;
  email: string;
  you: boolean;
  extra?: string;
}) {
  return (
    <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: 1 }}>
      <Avatar name={name} color="initials" size={34} radius="xl" />
      <div style={{ minWidth: 0 }}>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={600} truncate="end">
            {name}
          </Text>
          {you ? (
            <Badge size="xs" variant="outline" color="gray" tt="none" style={{ flex: 'none' }}>
              You
            </Badge>
          ) : null}
        </Group>
        <Text size="xs" c="dimmed" truncate="end">
          {email}
          {extra ? ` · ${extra}` : ''}
        </Text>
      </div>
    </Group>
  );
}

const grantOptions = [...permissionOptions, { value: 'remove', label: 'Remove' }];

/** The people added to this item directly: what the dialog edits. */
function PeopleAdded({
  access,
  canShare,
  busy,
  meId,
  onChange,
}: {
  access: ItemAccess;
  canShare: boolean;
  busy: boolean;
  meId: string;
  onChange: (userId: string, value: Permission | 'remove') => void;
}) {
  return (
    <div className={classes.section}>
      <SectionTitle count={access.grants.length}>People added</SectionTitle>
      {access.grants.length === 0 ? (
        <Text size="sm" c="dimmed">
          No one has been added yet{canShare ? '. Add people above to share with them.' : '.'}
        </Text>
      ) : (
        <ScrollArea.Autosize mah={200} type="auto" offsetScrollbars="present">
          <Stack gap={0}>
            {access.grants.map((g) => {
              const capped = g.role === 'viewer' && g.permission === 'edit';
              return (
                <Group
                  key={g.userId}
                  justify="space-between"
                  wrap="nowrap"
                  className={classes.personRow}
                  data-testid="share-person"
                  data-email={g.email}
                >
                  <PersonLabel
                    name={g.name || g.email}
                    email={g.email}
                    you={g.userId === meId}
                    extra={roleLabels[g.role]}
                  />
                  <Stack gap={2} align="flex-end" style={{ flex: 'none' }}>
                    {canShare ? (
                      <Select
                        aria-label={`Access for ${g.email}`}
                        data={grantOptions}
                        value={g.permission}
                        onChange={(value) => {
                          if (value === 'remove' || isPermission(value)) {
                            if (value !== g.permission) onChange(g.userId, value);
                          }
                        }}
                        allowDeselect={false}
                        disabled={busy}
                        size="xs"
                        w={124}
                        comboboxProps={{ withinPortal: true }}
                      />
                    ) : (
                      <Badge variant="light" color="gray" tt="none">
                        {permissionLabels[g.permission]}
                      </Badge>
                    )}
                    {capped ? (
                      <Text size="xs" c="dimmed">
                        {VIEWERS_NOTE}
                      </Text>
                    ) : null}
                  </Stack>
                </Group>
              );
            })}
          </Stack>
        </ScrollArea.Autosize>
      )}
    </div>
  );
}

const generalIcons: Record<GeneralAccess, typeof IconLock> = {
  only_me: IconLock,
  selected: IconUsers,
  workspace: IconBuilding,
};

function GeneralAccessSection({
  item,
  access,
  canShare,
  busy,
  isOwner,
  isAdmin,
  workspaceName,
  onChange,
}: {
  item: Item;
  access: ItemAccess;
  canShare: boolean;
  busy: boolean;
  isOwner: boolean;
  isAdmin: boolean;
  workspaceName: string;
  onChange: (body: { generalAccess?: GeneralAccess; workspacePermission?: Permission }) => void;
}) {
  const [confirmOnlyMe, setConfirmOnlyMe] = useState(false);
  const Icon = generalIcons[access.generalAccess];
  const options = (['only_me', 'selected', 'workspace'] as const).map((value) => ({
    value,
    label: generalAccessLabel(value, workspaceName),
  }));
  const who = isOwner ? 'Only you' : 'Only its owner';

  const description =
    access.generalAccess === 'only_me'
      ? `${who} (and Super Admins) can open this.`
      : access.generalAccess === 'selected'
        ? item.parentId
          ? 'Only people added, and people with access to the folder it is in, can open this.'
          : 'Only people added can open this.'
        : `Anyone in ${workspaceName} can ${access.workspacePermission === 'edit' ? 'edit' : 'view'} this${
            access.workspacePermission === 'edit' ? ` (${VIEWERS_NOTE.toLowerCase()})` : ''
          }.`;

  return (
    <div className={classes.section}>
      <SectionTitle>General access</SectionTitle>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon
          variant="light"
          color={access.generalAccess === 'workspace' ? 'teal' : 'gray'}
          size={34}
          radius="xl"
          style={{ flex: 'none' }}
        >
          <Icon size={18} />
        </ThemeIcon>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          {canShare ? (
            <Select
              aria-label="General access"
              data={options}
              value={access.generalAccess}
              onChange={(value) => {
                if (!isGeneralAccess(value) || value === access.generalAccess) return;
                // Choosing "Only me" on someone else's item shuts the chooser out too: ask first.
                if (value === 'only_me' && !isOwner && !isAdmin) setConfirmOnlyMe(true);
                else onChange({ generalAccess: value });
              }}
              allowDeselect={false}
              disabled={busy}
              size="sm"
              maw={320}
              comboboxProps={{ withinPortal: true }}
              data-testid="general-access"
            />
          ) : (
            <Text size="sm" fw={600} data-testid="general-access">
              {generalAccessLabel(access.generalAccess, workspaceName)}
            </Text>
          )}
          {access.grantsDormant ? null : (
            <Text size="xs" c="dimmed">
              {description}
            </Text>
          )}
        </Stack>
        {access.generalAccess === 'workspace' ? (
          canShare ? (
            <Select
              aria-label="Workspace permission"
              data={permissionOptions}
              value={access.workspacePermission}
              onChange={(value) => {
                if (isPermission(value) && value !== access.workspacePermission)
                  onChange({ workspacePermission: value });
              }}
              allowDeselect={false}
              disabled={busy}
              size="sm"
              w={124}
              style={{ flex: 'none' }}
              comboboxProps={{ withinPortal: true }}
              data-testid="workspace-permission"
            />
          ) : (
            <Badge variant="light" color="gray" tt="none" style={{ flex: 'none' }}>
              {permissionLabels[access.workspacePermission]}
            </Badge>
          )
        ) : null}
      </Group>
      {access.grantsDormant ? (
        <Alert
          color="yellow"
          variant="light"
          icon={<IconLock size={18} />}
          mt="sm"
          data-testid="grants-dormant"
        >
          {isOwner
            ? 'Only you (and Super Admins) can open this; people added keep their place but have no access until you share again.'
            : 'Only its owner (and Super Admins) can open this; people added keep their place but have no access until it is shared again.'}
        </Alert>
      ) : null}
      <ConfirmModal
        opened={confirmOnlyMe}
        onClose={() => setConfirmOnlyMe(false)}
        title="Make it “Only me”?"
        confirmLabel="Restrict access"
        color="orange"
        onConfirm={() => {
          setConfirmOnlyMe(false);
          onChange({ generalAccess: 'only_me' });
        }}
      >
        <Text size="sm">
          “Only me” means only its owner and Super Admins can open “{item.title}”. You will lose access to it
          too, and so will everyone added to it or to its folders.
        </Text>
      </ConfirmModal>
    </div>
  );
}

/** Everyone with access and why: the owner, Super Admins, people added here or to a folder above. */
function WhoHasAccess({ access, meId }: { access: ItemAccess; meId: string }) {
  return (
    <div className={classes.section}>
      <SectionTitle count={access.people.length + (access.workspace ? 1 : 0)}>Who has access</SectionTitle>
      <ScrollArea.Autosize mah={240} type="auto" offsetScrollbars="present">
        <Stack gap={0}>
          {access.workspace ? (
            <Group
              justify="space-between"
              wrap="nowrap"
              className={classes.personRow}
              data-testid="access-workspace"
              data-permission={access.workspace.permission}
            >
              <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
                <ThemeIcon variant="light" color="teal" size={34} radius="xl" style={{ flex: 'none' }}>
                  <IconBuilding size={18} />
                </ThemeIcon>
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={600}>
                    Anyone in the workspace
                  </Text>
                  <Text size="xs" c="dimmed">
                    {access.workspace.folder
                      ? `Anyone in the workspace · from folder ${access.workspace.folder.title}`
                      : 'Set on this item'}
                  </Text>
                </div>
              </Group>
              <Stack gap={2} align="flex-end" style={{ flex: 'none' }}>
                <Badge
                  variant="light"
                  color={access.workspace.permission === 'edit' ? 'teal' : 'gray'}
                  tt="none"
                >
                  {permissionLabels[access.workspace.permission]}
                </Badge>
                {access.workspace.permission === 'edit' ? (
                  <Text size="xs" c="dimmed">
                    {VIEWERS_NOTE}
                  </Text>
                ) : null}
              </Stack>
            </Group>
          ) : null}
          {access.people.map((person) => (
            <Group
              key={person.userId}
              justify="space-between"
              wrap="nowrap"
              className={classes.personRow}
              data-testid="access-person"
              data-email={person.email}
              data-permission={person.permission}
            >
              <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: 1 }}>
                <Avatar name={person.name || person.email} color="initials" size={34} radius="xl" />
                <div style={{ minWidth: 0 }}>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={600} truncate="end">
                      {person.name || person.email}
                    </Text>
                    {person.userId === meId ? (
                      <Badge size="xs" variant="outline" color="gray" tt="none" style={{ flex: 'none' }}>
                        You
                      </Badge>
                    ) : null}
                  </Group>
                  <Text size="xs" c="dimmed" truncate="end">
                    {person.email}
                    {person.role === 'super_admin' ? '' : ` · ${roleLabels[person.role]}`}
                  </Text>
                  <Text size="xs" data-testid="access-reason">
                    {reasonsText(person.reasons)}
                  </Text>
                </div>
              </Group>
              <Stack gap={2} align="flex-end" style={{ flex: 'none' }}>
                <Badge variant="light" color={person.permission === 'edit' ? 'teal' : 'gray'} tt="none">
                  {permissionLabels[person.permission]}
                </Badge>
                {person.viewerCapped ? (
                  <Text size="xs" c="dimmed" data-testid="viewer-note">
                    {VIEWERS_NOTE}
                  </Text>
                ) : null}
              </Stack>
            </Group>
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </div>
  );
}
