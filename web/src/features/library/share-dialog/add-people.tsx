import {
  Avatar,
  Button,
  Combobox,
  Group,
  Loader,
  Pill,
  PillsInput,
  Select,
  Text,
  useCombobox,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type KeyboardEvent, useState } from 'react';
import { type ItemAccess, type Permission, roleLabels } from '../../../../../src/contract/index.ts';
import { notifySuccess } from '../../../lib/notify.ts';
import { isPermission, permissionOptions } from '../access-text.ts';
import { type MemberOption, useMemberSearch } from '../hooks.ts';
import classes from '../library.module.css';
import { VIEWERS_NOTE } from './parts.tsx';

export /** "Add people": search the workspace's members as you type, pick some, choose view or edit, Share. */
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
        await onGrant(person.userId, chosen);
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

  // Viewers can only view (SPEC §3): with one picked, "Can edit" is disabled and the reason shown.
  const viewersPicked = picked.filter((p) => p.role === 'viewer');
  const chosen: Permission = viewersPicked.length > 0 ? 'view' : permission;

  return (
    <div>
      <div className={classes.addPeople}>
        <Combobox store={combobox} onOptionSubmit={pick} withinPortal>
          <Combobox.DropdownTarget>
            <PillsInput
              className={classes.addPeopleInput}
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
                        <Text size="sm" fw={500} truncate="end" title={m.name}>
                          {m.name}
                        </Text>
                        <Text size="xs" c="dimmed" truncate="end" title={m.email}>
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
          data={
            viewersPicked.length > 0
              ? [
                  { value: 'view', label: 'Can view' },
                  { value: 'edit', label: 'Can edit', disabled: true },
                ]
              : permissionOptions
          }
          value={chosen}
          onChange={(value) => isPermission(value) && setPermission(value)}
          allowDeselect={false}
          w={{ base: '100%', xs: 128 }}
          style={{ flex: 'none' }}
          data-testid="add-people-permission"
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
      </div>
      {viewersPicked.length > 0 ? (
        <Text size="xs" c="dimmed" mt={6} data-testid="add-people-viewer-reason">
          Can edit is off. {VIEWERS_NOTE} ({listNames(viewersPicked)}{' '}
          {viewersPicked.length === 1 ? 'is a Viewer' : 'are Viewers'}).
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
