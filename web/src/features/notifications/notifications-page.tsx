import { useDocumentTitle } from '@mantine/hooks';
import { IconBell } from '@tabler/icons-react';
import { ComingSoon } from '../../ui/coming-soon.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';

export function NotificationsPage() {
  const workspace = useCurrentWorkspace();
  useDocumentTitle(`Notifications · ${workspace.name} · Troupe`);
  return (
    <>
      <PageHeader title="Notifications" description="What happened while you were away." />
      <ComingSoon
        icon={<IconBell size={28} stroke={1.6} />}
        title="You're all caught up"
        description="Updates arrive here live, without reloading the page."
        bullets={[
          'Join requests to approve or deny (for Super Admins)',
          'Your own requests approved or denied, and invitations accepted',
          'Folders, drafts and videos shared with you',
        ]}
      />
    </>
  );
}
