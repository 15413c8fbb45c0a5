import { ActionIcon, Menu, Select, Stack, Text } from '@mantine/core';
import { IconDoorExit, IconDots, IconMailForward, IconUserMinus, IconX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { type MemberRow, type Role, roleLabels } from '../../../../src/contract/index.ts';
import { forgetLastWorkspace } from '../../lib/last-workspace.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { isRole, roleOptions } from '../../lib/roles.ts';
import { isStale, refreshAfterStale } from '../../lib/stale.ts';
import { ConfirmModal } from '../../ui/confirm-modal.tsx';
import { RoleBadge } from '../../ui/role-badge.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { useForgetWorkspace } from '../workspaces/hooks.ts';
import {
  useChangeRole,
  useLeaveWorkspace,
  useRemoveMember,
  useResendInvitation,
  useRevokeInvitation,
} from './hooks.ts';

const label = (row: MemberRow) => row.name?.trim() || row.email;

/** Why the only Super Admin can't give up the role (shown, not discovered after a confirm). */
export const LAST_SUPER_ADMIN_REASON = 'The only Super Admin: make someone else Super Admin first.';

/** The role column: a dropdown for Super Admins on active members, a badge otherwise. */
export function RoleCell({
  row,
  isAdmin,
  isSelf,
  workspaceId,
  superAdmins,
}: {
  row: MemberRow;
  isAdmin: boolean;
  isSelf: boolean;
  workspaceId: string;
  superAdmins: number;
}) {
  const queryClient = useQueryClient();
  const change = useChangeRole(workspaceId);
  const [demoteTo, setDemoteTo] = useState<Role | null>(null);
  const userId = row.userId;
  if (!isAdmin || row.status !== 'active' || !userId) return <RoleBadge role={row.role} />;
  const lastSuperAdmin = row.role === 'super_admin' && superAdmins <= 1;
  if (lastSuperAdmin) {
    return (
      <Stack gap={4} maw={170}>
        <Select
          aria-label={`Role of ${row.email}`}
          aria-describedby={`last-admin-${userId}`}
          data={roleOptions}
          value={row.role}
          disabled
          size="xs"
          w={160}
          data-testid="member-role"
        />
        <Text size="xs" c="dimmed" id={`last-admin-${userId}`} data-testid="last-admin-reason">
          {LAST_SUPER_ADMIN_REASON}
        </Text>
      </Stack>
    );
  }

  const apply = (role: Role) =>
    change.mutate(
      { userId, role },
      {
        onSuccess: (updated) => {
          setDemoteTo(null);
          notifySuccess('Role changed', `${label(row)} is now ${roleLabels[updated.role]}.`);
        },
        onError: (error) => {
          setDemoteTo(null);
          if (isStale(error)) refreshAfterStale(queryClient, `${label(row)} is no longer a member.`);
          else notifyError(error, "Couldn't change the role");
        },
      },
    );

  return (
    <>
      <Select
        aria-label={`Role of ${row.email}`}
        data={roleOptions}
        value={row.role}
        onChange={(value) => {
          if (!isRole(value) || value === row.role) return;
          // Giving up your own Super Admin role locks you out of this page: ask first.
          if (isSelf && row.role === 'super_admin') setDemoteTo(value);
          else apply(value);
        }}
        allowDeselect={false}
        disabled={change.isPending}
        size="xs"
        w={160}
        comboboxProps={{ withinPortal: true }}
        data-testid="member-role"
      />
      <ConfirmModal
        opened={demoteTo !== null}
        onClose={() => setDemoteTo(null)}
        title="Give up your Super Admin role?"
        confirmLabel={demoteTo ? `Become ${roleLabels[demoteTo]}` : 'Change role'}
        color="orange"
        loading={change.isPending}
        onConfirm={() => demoteTo && apply(demoteTo)}
      >
        <Text size="sm">
          You won't be able to manage members, billing or settings any more. Another Super Admin can give the
          role back.
        </Text>
      </ConfirmModal>
    </>
  );
}

type Pending = 'remove' | 'leave' | 'revoke' | null;

/** The row's three-dot menu: remove or leave for members; resend or revoke for invitations. */
export function MemberActions({
  row,
  isSelf,
  isAdmin,
  workspaceId,
  workspaceName,
  superAdmins,
}: {
  row: MemberRow;
  isSelf: boolean;
  isAdmin: boolean;
  workspaceId: string;
  workspaceName: string;
  superAdmins: number;
}) {
  const me = useSignedInUser();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const forget = useForgetWorkspace();
  const remove = useRemoveMember(workspaceId);
  const leave = useLeaveWorkspace(workspaceId);
  const resend = useResendInvitation(workspaceId);
  const revoke = useRevokeInvitation(workspaceId);
  const [pending, setPending] = useState<Pending>(null);

  const isMember = row.status === 'active' && Boolean(row.userId);
  const isInvitation = Boolean(row.invitationId);
  const canLeave = isMember && isSelf;
  const canRemove = isMember && !isSelf && isAdmin;
  const canManageInvite = isInvitation && isAdmin;
  if (!canLeave && !canRemove && !canManageInvite) return null;
  const lastSuperAdmin = row.role === 'super_admin' && superAdmins <= 1;

  /** The row changed elsewhere (accepted, revoked, removed): close, refresh, say so. */
  const stale = (error: unknown, message: string): boolean => {
    if (!isStale(error)) return false;
    close();
    refreshAfterStale(queryClient, message);
    return true;
  };

  const close = () => {
    setPending(null);
    remove.reset();
    leave.reset();
    revoke.reset();
  };

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Actions for ${row.email}`}
            data-testid="member-menu"
          >
            <IconDots size={18} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {canLeave ? (
            <Menu.Item
              color="red"
              leftSection={<IconDoorExit size={16} />}
              onClick={() => setPending('leave')}
              disabled={lastSuperAdmin}
              data-testid="leave-workspace"
            >
              Leave workspace
              {lastSuperAdmin ? (
                <Text size="xs" c="dimmed" maw={220} data-testid="leave-reason">
                  {LAST_SUPER_ADMIN_REASON}
                </Text>
              ) : null}
            </Menu.Item>
          ) : null}
          {canRemove ? (
            <Menu.Item
              color="red"
              leftSection={<IconUserMinus size={16} />}
              onClick={() => setPending('remove')}
              disabled={lastSuperAdmin}
            >
              Remove from workspace
              {lastSuperAdmin ? (
                <Text size="xs" c="dimmed" maw={220}>
                  {LAST_SUPER_ADMIN_REASON}
                </Text>
              ) : null}
            </Menu.Item>
          ) : null}
          {canManageInvite ? (
            <>
              <Menu.Item
                leftSection={<IconMailForward size={16} />}
                disabled={resend.isPending}
                onClick={() =>
                  row.invitationId &&
                  resend.mutate(row.invitationId, {
                    onSuccess: () =>
                      notifySuccess(
                        'Invitation sent again',
                        `A new link is on its way to ${row.email}; the old one no longer works.`,
                      ),
                    onError: (error) => {
                      if (!stale(error, `The invitation to ${row.email} was already accepted or revoked.`))
                        notifyError(error, "Couldn't resend the invitation");
                    },
                  })
                }
              >
                Resend invitation
              </Menu.Item>
              <Menu.Item color="red" leftSection={<IconX size={16} />} onClick={() => setPending('revoke')}>
                Revoke invitation
              </Menu.Item>
            </>
          ) : null}
        </Menu.Dropdown>
      </Menu>

      <ConfirmModal
        opened={pending === 'remove'}
        onClose={close}
        title={`Remove ${label(row)}?`}
        confirmLabel="Remove"
        loading={remove.isPending}
        error={remove.error}
        onConfirm={() =>
          row.userId &&
          remove.mutate(row.userId, {
            onSuccess: () => {
              close();
              notifySuccess('Member removed', `${label(row)} no longer has access to ${workspaceName}.`);
            },
            onError: (error) => void stale(error, `${label(row)} had already left ${workspaceName}.`),
          })
        }
      >
        <Text size="sm">
          {label(row)} ({row.email}) loses access to {workspaceName} at once, and their API keys for it stop
          working. Their seat becomes free. You can invite them again later.
        </Text>
      </ConfirmModal>

      <ConfirmModal
        opened={pending === 'leave'}
        onClose={close}
        title={`Leave ${workspaceName}?`}
        confirmLabel="Leave workspace"
        loading={leave.isPending}
        error={leave.error}
        onConfirm={() =>
          leave.mutate(me.id, {
            onSuccess: async () => {
              forgetLastWorkspace(me.id, workspaceId);
              await navigate('/workspaces', { replace: true });
              forget(workspaceId);
              notifySuccess('You left the workspace', `You're no longer a member of ${workspaceName}.`);
            },
          })
        }
      >
        <Text size="sm">
          You'll lose access to everything in {workspaceName}. To come back, you'll need a new invitation.
        </Text>
      </ConfirmModal>

      <ConfirmModal
        opened={pending === 'revoke'}
        onClose={close}
        title="Revoke this invitation?"
        confirmLabel="Revoke"
        loading={revoke.isPending}
        error={revoke.error}
        onConfirm={() =>
          row.invitationId &&
          revoke.mutate(row.invitationId, {
            onSuccess: () => {
              close();
              notifySuccess('Invitation revoked', `The link sent to ${row.email} no longer works.`);
            },
            onError: (error) =>
              void stale(error, `The invitation to ${row.email} was already accepted, revoked or replaced.`),
          })
        }
      >
        <Text size="sm">
          The link sent to {row.email} stops working at once. You can invite them again later.
        </Text>
      </ConfirmModal>
    </>
  );
}
