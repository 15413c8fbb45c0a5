import { Button, EmptyState } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { roleLabels } from '../../../../src/contract/index.ts';
import { canOpenSection, findSection } from '../shell/nav.ts';
import { useCurrentWorkspace } from './workspace-context.ts';

/** A workspace page only some roles may open: the others get an explanation instead of a 403. */
export function RoleGate({ section, children }: { section: string; children: ReactNode }) {
  const workspace = useCurrentWorkspace();
  const found = findSection(section);
  if (!found || canOpenSection(found, workspace.role)) return children;
  const who =
    found.audience === 'everyone' ? '' : found.audience.map((role) => `${roleLabels[role]}s`).join(' and ');
  return (
    <EmptyState
      py={80}
      size="lg"
      variant="light"
      icon={<IconLock size={28} stroke={1.6} />}
      title={`${found.label} is for ${who}`}
      description={`You're a ${roleLabels[workspace.role]} in ${workspace.name}. Ask a Super Admin if you need access.`}
    >
      <EmptyState.Actions>
        <Button component={Link} to={`/w/${workspace.id}/members`} variant="default">
          Back to members
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
