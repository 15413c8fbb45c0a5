import { Box, Menu, ScrollArea, Text, UnstyledButton } from '@mantine/core';
import { IconCheck, IconLayoutGrid, IconPlus, IconSelector } from '@tabler/icons-react';
import { matchPath, useNavigate } from 'react-router-dom';
import { roleLabels, type WorkspaceSummary } from '../../../../src/contract/index.ts';
import { setLastWorkspace } from '../../lib/last-workspace.ts';
import { useSignedInUser } from '../auth/use-me.ts';
import { useWorkspace } from '../workspaces/hooks.ts';
import { WorkspaceAvatar } from '../workspaces/workspace-avatar.tsx';
import { useActiveWorkspaceId } from '../workspaces/workspace-context.ts';
import { canOpenSection, findSection } from './nav.ts';
import classes from './shell.module.css';

/** The header's workspace switcher: the current workspace and role; every workspace; manage / create. */
export function WorkspaceSwitcher({ onCreate }: { onCreate: () => void }) {
  const me = useSignedInUser();
  const navigate = useNavigate();
  const activeId = useActiveWorkspaceId();
  const fetched = useWorkspace(activeId ?? undefined).data;

  const active: WorkspaceSummary | undefined =
    me.workspaces.find((w) => w.id === activeId) ??
    (fetched ? { id: fetched.id, name: fetched.name, role: fetched.role } : undefined);

  const switchTo = (workspace: WorkspaceSummary) => {
    setLastWorkspace(me.id, workspace.id);
    // Stay on the same page in the other workspace, unless it is one the new role can't see. The
    // page is the address bar's at the click: the router renders a navigation as a transition, so
    // its location can still be the page before one just clicked (a slow render: Billing clicked,
    // Members still on screen), and the user means the page they went to last.
    const current = matchPath('/w/:wsId/:section/*', window.location.pathname);
    const section = findSection(current?.params.section);
    const keep = section && canOpenSection(section, workspace.role);
    void navigate(`/w/${workspace.id}${keep ? `/${section.path}` : ''}`);
  };

  return (
    <Menu position="bottom-start" width={300} offset={6} withinPortal>
      <Menu.Target>
        <UnstyledButton className={classes.trigger} data-testid="workspace-switcher">
          {active ? (
            <>
              <WorkspaceAvatar name={active.name} size={32} />
              <Box style={{ minWidth: 0, flex: 1 }}>
                <Text size="sm" fw={650} lh={1.25} truncate="end">
                  {active.name}
                </Text>
                <Text size="xs" c="dimmed" lh={1.25}>
                  {roleLabels[active.role]}
                </Text>
              </Box>
            </>
          ) : (
            <Text size="sm" fw={600} px={4}>
              Choose a workspace
            </Text>
          )}
          <IconSelector size={16} color="var(--mantine-color-dimmed)" style={{ flex: 'none' }} />
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Your workspaces</Menu.Label>
        {me.workspaces.length === 0 ? (
          <Menu.Item disabled>
            <Text size="sm" c="dimmed">
              You're not in any workspace yet
            </Text>
          </Menu.Item>
        ) : (
          <ScrollArea.Autosize mah={300} type="auto" scrollbars="y">
            {me.workspaces.map((workspace) => (
              <Menu.Item
                key={workspace.id}
                onClick={() => switchTo(workspace)}
                leftSection={<WorkspaceAvatar name={workspace.name} size={28} />}
                rightSection={
                  workspace.id === activeId ? (
                    <IconCheck size={16} color="var(--mantine-primary-color-filled)" />
                  ) : null
                }
                aria-current={workspace.id === activeId ? 'true' : undefined}
              >
                <Text size="sm" fw={500} truncate="end" lh={1.3}>
                  {workspace.name}
                </Text>
                <Text size="xs" c="dimmed" lh={1.3}>
                  {roleLabels[workspace.role]}
                </Text>
              </Menu.Item>
            ))}
          </ScrollArea.Autosize>
        )}
        <Menu.Divider />
        <Menu.Item leftSection={<IconLayoutGrid size={16} />} onClick={() => void navigate('/workspaces')}>
          Manage workspaces
        </Menu.Item>
        <Menu.Item leftSection={<IconPlus size={16} />} onClick={onCreate}>
          Create workspace
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
