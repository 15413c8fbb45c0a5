import { Anchor, Breadcrumbs, Skeleton, Text } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { Item } from '../../../../src/contract/index.ts';
import type { ItemTrail } from './hooks.ts';
import { folderPath, libraryPath, sharedPath } from './links.ts';

type Crumb = { key: string; label: string; to?: string };

/**
 * Library › Folder › Subfolder. The walk up stops at the first folder the caller can't see: then
 * the trail goes through "Shared with me", where they found it (Library › Shared with me › Folder).
 */
export function LibraryBreadcrumbs({
  workspaceId,
  top,
  trail,
  loading = false,
}: {
  workspaceId: string;
  /** At the top of the library: which listing. */
  top?: 'library' | 'shared';
  /** Inside a folder or on an item's page. */
  trail?: ItemTrail;
  loading?: boolean;
}) {
  const library: Crumb = { key: 'library', label: 'Library', to: libraryPath(workspaceId) };
  const shared: Crumb = { key: 'shared', label: 'Shared with me', to: sharedPath(workspaceId) };
  const crumbs: Crumb[] = [];
  if (trail) {
    crumbs.push(library);
    if (!trail.fromRoot) crumbs.push(shared);
    for (const folder of trail.ancestors)
      crumbs.push({ key: folder.id, label: folder.title, to: folderPath(workspaceId, folder.id) });
    crumbs.push({ key: trail.item.id, label: trail.item.title });
  } else if (top === 'shared') {
    crumbs.push(library, { key: 'shared', label: 'Shared with me' });
  } else {
    crumbs.push({ key: 'library', label: 'Library' });
  }

  return (
    <nav aria-label="Breadcrumbs" data-testid="breadcrumbs" style={{ marginBottom: 10 }}>
      {loading ? (
        <Skeleton height={14} width={220} my={4} />
      ) : (
        <Breadcrumbs
          separator={<IconChevronRight size={14} />}
          separatorMargin={6}
          style={{ flexWrap: 'wrap', minWidth: 0, maxWidth: '100%' }}
        >
          {crumbs.map((crumb) =>
            crumb.to ? (
              <Anchor
                key={crumb.key}
                component={Link}
                to={crumb.to}
                size="sm"
                c="dimmed"
                truncate="end"
                maw={240}
                title={crumb.label}
              >
                {crumb.label}
              </Anchor>
            ) : (
              <Text
                key={crumb.key}
                size="sm"
                fw={600}
                aria-current="page"
                truncate="end"
                maw={320}
                title={crumb.label}
              >
                {crumb.label}
              </Text>
            ),
          )}
        </Breadcrumbs>
      )}
    </nav>
  );
}

/** Where "up" is from an item: its folder, or the top of the library it was found in. */
export function parentPath(workspaceId: string, trail: ItemTrail): string {
  const parent: Item | undefined = trail.ancestors[trail.ancestors.length - 1];
  if (parent) return folderPath(workspaceId, parent.id);
  return trail.fromRoot ? libraryPath(workspaceId) : sharedPath(workspaceId);
}
