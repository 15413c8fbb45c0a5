import { Alert, Button, CopyButton, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconCheck, IconEye, IconLink } from '@tabler/icons-react';
import type { Item } from '../../../../../src/contract/index.ts';
import { ApiError, errorMessage } from '../../../lib/api.ts';
import { notifyError, notifySuccess } from '../../../lib/notify.ts';
import { AppModal } from '../../../ui/app-modal.tsx';
import { useSignedInUser } from '../../auth/use-me.ts';
import { useCurrentWorkspace } from '../../workspaces/workspace-context.ts';
import { useChangeAccess, useItem, useItemAccess } from '../hooks.ts';
import { itemLink } from '../links.ts';
import { AddPeople } from './add-people.tsx';
import { GeneralAccessSection } from './general-access.tsx';
import { PeopleAdded } from './people-added.tsx';
import { WhoHasAccess } from './who-has-access.tsx';

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
