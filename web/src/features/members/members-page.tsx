import { useDocumentTitle } from '@mantine/hooks';
import { IconUsers } from '@tabler/icons-react';
import { ComingSoon } from '../../ui/coming-soon.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';

export function MembersPage() {
  const workspace = useCurrentWorkspace();
  useDocumentTitle(`Members · ${workspace.name} · Troupe`);
  return (
    <>
      <PageHeader
        title="Members"
        description={`Everyone in ${workspace.name}, their role and their status.`}
      />
      <ComingSoon
        icon={<IconUsers size={28} stroke={1.6} />}
        title="Your team will appear here"
        description="One list of active members, pending invitations and join requests, sortable and searchable."
        bullets={[
          'Invite teammates by email, or share an invite link',
          'See who is Active, who has an Invite Sent, and who Requested to join',
          'Approve or deny join requests and change roles',
        ]}
      />
    </>
  );
}
