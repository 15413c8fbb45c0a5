import { Avatar, Badge, Group, ScrollArea, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconBuilding } from '@tabler/icons-react';
import { type ItemAccess, roleLabels } from '../../../../../src/contract/index.ts';
import { permissionLabels, reasonsText } from '../access-text.ts';
import classes from '../library.module.css';
import { SectionTitle, VIEWERS_NOTE } from './parts.tsx';

/** Everyone with access and why: the owner, Super Admins, people added here or to a folder above. */
export function WhoHasAccess({ access, meId }: { access: ItemAccess; meId: string }) {
  return (
    <div className={classes.section}>
      <SectionTitle count={access.people.length + (access.workspace ? 1 : 0)}>Who has access</SectionTitle>
      <ScrollArea.Autosize
        mah={240}
        type="auto"
        scrollbars="y"
        offsetScrollbars="present"
        viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'Who has access' }}
      >
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
                {person.viewerCapped || person.role === 'viewer' ? (
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
