import { useDocumentTitle } from '@mantine/hooks';
import { IconVideo } from '@tabler/icons-react';
import { ComingSoon } from '../../ui/coming-soon.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';

export function LibraryPage() {
  const workspace = useCurrentWorkspace();
  useDocumentTitle(`Library · ${workspace.name} · Troupe`);
  return (
    <>
      <PageHeader title="Library" description={`Folders, drafts and videos in ${workspace.name}.`} />
      <ComingSoon
        icon={<IconVideo size={28} stroke={1.6} />}
        title="Your team's videos will live here"
        description="Everything you can see in this workspace, organised in folders and shared with exactly the right people."
        bullets={[
          'Create folders, drafts, videos, avatars and voices',
          'Share with specific teammates, or with the whole workspace, to view or edit',
          'Publish finished videos to the web, with captions and an optional password',
        ]}
      />
    </>
  );
}
