import {
  ActionIcon,
  Anchor,
  Avatar,
  Badge,
  Box,
  Button,
  EmptyState,
  Group,
  Paper,
  Skeleton,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure, useDocumentTitle, useMediaQuery } from '@mantine/hooks';
import { IconMailPlus, IconSearch, IconUserSearch, IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { type MemberRow, type MemberStatus, memberStatusLabels } from '../../../../src/contract/index.ts';
import { formatDate, isPast } from '../../lib/dates.ts';
import { refreshRole } from '../../lib/query-client.ts';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { seatsLabel } from '../workspaces/seats.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import { useMembers } from './hooks.ts';
import { InviteModal } from './invite-modal.tsx';
import { JoinRequestActions } from './join-request-actions.tsx';
import { MemberActions, RoleCell } from './member-actions.tsx';
import classes from './members-page.module.css';
import { SuggestionsPanel } from './suggestions-panel.tsx';

const statusColors: Record<MemberStatus, string> = {
  active: 'teal',
  invite_sent: 'blue',
  invite_expired: 'orange',
  requested: 'grape',
};

/** A row's stable key: the member, invitation or join request it stands for. */
export function rowKey(row: MemberRow): string {
  return row.userId ?? row.invitationId ?? row.joinRequestId ?? row.email;
}

/** The members view (SPEC §4.1): members for everyone; invitations and requests for Super Admins. */
export function MembersPage() {
  const workspace = useCurrentWorkspace();
  const me = useSignedInUser();
  useDocumentTitle(`Members · ${workspace.name} · Troupe`);
  const isAdmin = workspace.role === 'super_admin';
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [inviteOpened, inviteModal] = useDisclosure(false);
  const query = useMembers(workspace.id, q);
  const rows = query.data?.pages.flatMap((p) => p.members) ?? [];
  const first = query.data?.pages[0];
  const seats = first?.seats ?? workspace.seats;
  const seatsUsed = first?.seatsUsed ?? workspace.seatsUsed;
  // Unknown until the first page arrives: assume one, so nothing is offered that would fail.
  const superAdmins = first?.superAdmins ?? 1;
  const full = seatsUsed >= seats;
  // Below the `md` breakpoint the table becomes a list of cards (no sideways scrolling on phones).
  const narrow = useMediaQuery('(max-width: 61.99em)') ?? false;
  const searching = search.trim() !== q || (query.isFetching && !query.isFetchingNextPage);
  // The list is newer than the role this page was drawn for (someone changed it meanwhile): the
  // page catches up, so it never shows "You: Viewer" beside a Super Admin's controls.
  const myRole = rows.find((r) => r.userId === me.id && r.status === 'active')?.role;
  useEffect(() => {
    if (myRole && myRole !== workspace.role) refreshRole();
  }, [myRole, workspace.role]);

  return (
    <>
      <PageHeader
        title="Members"
        description={
          isAdmin
            ? `Everyone in ${workspace.name}: members, pending invitations and join requests.`
            : `Everyone in ${workspace.name}.`
        }
        actions={
          isAdmin ? (
            <Button
              leftSection={<IconMailPlus size={16} />}
              onClick={inviteModal.open}
              data-testid="invite-button"
            >
              Invite members
            </Button>
          ) : null
        }
      />

      <Group justify="space-between" gap="md" mb="md" wrap="wrap">
        <TextInput
          placeholder="Search by name or email"
          aria-label="Search members"
          leftSection={<IconSearch size={16} />}
          rightSection={
            search ? (
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                aria-label="Clear search"
                onClick={() => setSearch('')}
              >
                <IconX size={14} />
              </ActionIcon>
            ) : null
          }
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={{ base: '100%', xs: 320 }}
          maxLength={100}
        />
        <Group gap="xs">
          <Text size="sm" fw={500} data-testid="seat-count" c={seatsUsed >= seats ? 'orange.8' : undefined}>
            {seatsLabel(seatsUsed, seats)}
          </Text>
          {isAdmin ? (
            <Anchor component={Link} to={`/w/${workspace.id}/billing`} size="sm">
              {seatsUsed >= seats ? 'Add seats' : 'Manage seats'}
            </Anchor>
          ) : null}
        </Group>
      </Group>

      {query.isPending ? (
        <Paper withBorder aria-busy="true" aria-label="Loading members">
          {[0, 1, 2, 3].map((i) => (
            <Group key={i} p="md" gap="md" wrap="nowrap" className={classes.skeletonRow}>
              <Skeleton height={36} circle />
              <div style={{ flex: 1 }}>
                <Skeleton height={12} width="30%" mb={8} />
                <Skeleton height={10} width="45%" />
              </div>
              <Skeleton height={24} width={110} />
              <Skeleton height={22} width={90} />
            </Group>
          ))}
        </Paper>
      ) : query.isError && rows.length === 0 ? (
        <Paper withBorder>
          <ErrorState
            error={query.error}
            title="We couldn't load the members"
            onRetry={() => void query.refetch()}
          />
        </Paper>
      ) : rows.length === 0 ? (
        <Paper withBorder p={{ base: 'lg', sm: 48 }}>
          <EmptyState
            variant="light"
            icon={<IconUserSearch size={26} stroke={1.6} />}
            title={q ? `No one matches “${q}”` : 'No members yet'}
            description={q ? 'Try part of a name or an email address.' : undefined}
          />
        </Paper>
      ) : (
        <>
          {narrow ? (
            <Paper withBorder aria-busy={searching} data-testid="member-cards">
              {rows.map((row) => (
                <MemberCard
                  key={rowKey(row)}
                  row={row}
                  isSelf={row.userId === me.id}
                  isAdmin={isAdmin}
                  workspaceId={workspace.id}
                  workspaceName={workspace.name}
                  superAdmins={superAdmins}
                  full={full}
                />
              ))}
            </Paper>
          ) : (
            // Positioned, so the table's visually hidden header text is clipped with it.
            <Paper withBorder style={{ overflow: 'hidden', position: 'relative' }} aria-busy={searching}>
              <Table
                verticalSpacing="sm"
                horizontalSpacing="md"
                highlightOnHover
                className={classes.table}
                layout="fixed"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th w={190}>Role</Table.Th>
                    <Table.Th w={isAdmin ? 190 : 150}>Status</Table.Th>
                    <Table.Th w={56}>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((row) => (
                    <MemberTableRow
                      key={rowKey(row)}
                      row={row}
                      isSelf={row.userId === me.id}
                      isAdmin={isAdmin}
                      workspaceId={workspace.id}
                      workspaceName={workspace.name}
                      superAdmins={superAdmins}
                      full={full}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
          {query.hasNextPage ? (
            <Group justify="center" mt="lg">
              <Button
                variant="default"
                loading={query.isFetchingNextPage}
                onClick={() => void query.fetchNextPage()}
              >
                Load more
              </Button>
            </Group>
          ) : null}
        </>
      )}

      {isAdmin && workspace.companyDomain ? (
        <SuggestionsPanel workspaceId={workspace.id} companyDomain={workspace.companyDomain} />
      ) : null}

      {isAdmin ? (
        <InviteModal
          workspaceId={workspace.id}
          workspaceName={workspace.name}
          requireApproval={workspace.requireApproval}
          seats={seats}
          seatsUsed={seatsUsed}
          opened={inviteOpened}
          onClose={inviteModal.close}
        />
      ) : null}
    </>
  );
}

interface RowProps {
  row: MemberRow;
  isSelf: boolean;
  isAdmin: boolean;
  workspaceId: string;
  workspaceName: string;
  /** How many Super Admins the workspace has: the last one cannot be demoted, removed or leave. */
  superAdmins: number;
  /** No free seat: pending invitations cannot be accepted until seats are added. */
  full: boolean;
}

/** Avatar, name (or the invited address) and the line under it; long text is cut with the whole on hover. */
function Identity({
  row,
  isSelf,
  isAdmin,
  full,
  workspaceId,
}: Pick<RowProps, 'row' | 'isSelf' | 'isAdmin' | 'full' | 'workspaceId'>) {
  const invitation = Boolean(row.invitationId);
  const display = row.name?.trim() || row.email;
  const note = invitation ? invitationNote(row) : row.email;
  return (
    <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
      <Avatar
        name={invitation ? undefined : display}
        color={invitation ? 'gray' : 'initials'}
        radius="xl"
        size={36}
        variant={invitation ? 'outline' : undefined}
      />
      <div style={{ minWidth: 0 }}>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={600} truncate="end" title={display}>
            {display}
          </Text>
          {isSelf ? (
            <Badge size="xs" variant="outline" color="gray" tt="none" style={{ flex: 'none' }}>
              You
            </Badge>
          ) : null}
        </Group>
        <Text size="xs" c="dimmed" truncate="end" title={note}>
          {note}
        </Text>
        {row.joinRequestId && row.expiresAt ? (
          <Text size="xs" c="dimmed" truncate="end">
            Asked to join with the invite link · lapses {formatDate(row.expiresAt)}
          </Text>
        ) : null}
        {isAdmin && full && row.status === 'invite_sent' ? (
          <Text size="xs" c="orange.9" data-testid="member-seat-note">
            Can't join: no free seat.{' '}
            <Anchor component={Link} to={`/w/${workspaceId}/billing`} size="xs">
              Add seats
            </Anchor>
          </Text>
        ) : null}
      </div>
    </Group>
  );
}

function Status({ row, isAdmin, workspaceId }: Pick<RowProps, 'row' | 'isAdmin' | 'workspaceId'>) {
  return (
    <>
      <Badge variant="light" color={statusColors[row.status]} tt="none" fw={600} data-testid="member-status">
        {memberStatusLabels[row.status]}
      </Badge>
      {isAdmin && row.joinRequestId ? (
        <Box mt={6}>
          <JoinRequestActions
            workspaceId={workspaceId}
            requestId={row.joinRequestId}
            who={row.name?.trim() || row.email}
            expiresAt={row.expiresAt}
            size="compact-xs"
          />
        </Box>
      ) : null}
    </>
  );
}

function MemberTableRow(props: RowProps) {
  const { row, isSelf, isAdmin, workspaceId } = props;
  return (
    <Table.Tr data-testid="member-row" data-email={row.email} data-status={row.status}>
      <Table.Td>
        <Identity {...props} />
      </Table.Td>
      <Table.Td>
        <RoleCell
          row={row}
          isAdmin={isAdmin}
          isSelf={isSelf}
          workspaceId={workspaceId}
          superAdmins={props.superAdmins}
        />
      </Table.Td>
      <Table.Td>
        <Status row={row} isAdmin={isAdmin} workspaceId={workspaceId} />
      </Table.Td>
      <Table.Td>
        <MemberActions {...props} />
      </Table.Td>
    </Table.Tr>
  );
}

/** The same row as a card, for phones: identity and actions on top, role and status below. */
function MemberCard(props: RowProps) {
  const { row, isSelf, isAdmin, workspaceId } = props;
  return (
    <Box
      p="sm"
      className={classes.card}
      data-testid="member-row"
      data-email={row.email}
      data-status={row.status}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
        <Box style={{ minWidth: 0, flex: 1 }}>
          <Identity {...props} />
        </Box>
        <MemberActions {...props} />
      </Group>
      <Group gap="sm" mt="xs" ml={44} align="flex-start" wrap="wrap">
        <RoleCell
          row={row}
          isAdmin={isAdmin}
          isSelf={isSelf}
          workspaceId={workspaceId}
          superAdmins={props.superAdmins}
        />
        <div>
          <Status row={row} isAdmin={isAdmin} workspaceId={workspaceId} />
        </div>
      </Group>
    </Box>
  );
}

function invitationNote(row: MemberRow): string {
  if (!row.expiresAt) return 'Invitation';
  return isPast(row.expiresAt)
    ? `Invitation expired ${formatDate(row.expiresAt)}`
    : `Invited · link expires ${formatDate(row.expiresAt)}`;
}
