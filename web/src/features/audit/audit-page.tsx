import {
  Badge,
  Button,
  EmptyState,
  Group,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconFilter, IconHistory } from '@tabler/icons-react';
import { useState } from 'react';
import { type AuditAction, type AuditEvent, describeAuditEntry } from '../../../../src/contract/index.ts';
import { formatDateTime, formatRelative } from '../../lib/dates.ts';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { RoleGate } from '../workspaces/role-gate.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import {
  actionColor,
  auditActionLabels,
  auditActionOptions,
  isAuditAction,
  splitPersonLabel,
} from './describe.ts';
import { useAuditLog, useMemberOptions } from './hooks.ts';

export function AuditPage() {
  return (
    <RoleGate section="audit">
      <AuditLog />
    </RoleGate>
  );
}

function AuditLog() {
  const workspace = useCurrentWorkspace();
  useDocumentTitle(`Audit log · ${workspace.name} · Troupe`);
  const [action, setAction] = useState<AuditAction | null>(null);
  const [actorId, setActorId] = useState<string | null>(null);
  const log = useAuditLog(workspace.id, action, actorId);
  const members = useMemberOptions(workspace.id);
  const events = log.data?.pages.flatMap((p) => p.events) ?? [];
  const filtered = action !== null || actorId !== null;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change in this workspace: who did what, and when. Newest first."
      />
      <Group gap="md" mb="md" wrap="wrap" align="flex-end">
        <Select
          label="Action"
          placeholder="All actions"
          data={auditActionOptions}
          value={action}
          onChange={(value) => setAction(isAuditAction(value) ? value : null)}
          clearable
          leftSection={<IconFilter size={14} />}
          w={{ base: '100%', xs: 240 }}
        />
        <Select
          label="Who"
          placeholder="Anyone"
          data={members.data ?? []}
          value={actorId}
          onChange={setActorId}
          searchable
          clearable
          nothingFoundMessage="No member matches"
          w={{ base: '100%', xs: 300 }}
        />
        {filtered ? (
          <Button
            variant="subtle"
            color="gray"
            onClick={() => {
              setAction(null);
              setActorId(null);
            }}
          >
            Clear filters
          </Button>
        ) : null}
      </Group>

      {log.isPending ? (
        <Skeleton height={240} radius="lg" />
      ) : log.isError && events.length === 0 ? (
        <Paper withBorder>
          <ErrorState
            error={log.error}
            title="We couldn't load the audit log"
            onRetry={() => void log.refetch()}
          />
        </Paper>
      ) : events.length === 0 ? (
        <Paper withBorder p={{ base: 'lg', sm: 48 }}>
          <EmptyState
            variant="light"
            icon={<IconHistory size={26} stroke={1.6} />}
            title={filtered ? 'Nothing matches these filters' : 'Nothing recorded yet'}
            description={
              filtered
                ? 'Try another action or person.'
                : 'Invitations, role changes, seat purchases and API keys will be listed here.'
            }
          />
        </Paper>
      ) : (
        <>
          <Paper
            withBorder
            style={{ overflow: 'hidden' }}
            aria-busy={log.isFetching && !log.isFetchingNextPage}
          >
            <Table.ScrollContainer
              minWidth={640}
              type="native"
              tabIndex={0}
              role="region"
              aria-label="Audit log entries"
            >
              <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={170}>Time</Table.Th>
                    <Table.Th w={220}>Who</Table.Th>
                    <Table.Th>What happened</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {events.map((event) => (
                    <EventRow key={event.id} event={event} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
          {log.hasNextPage ? (
            <Group justify="center" mt="lg">
              <Button
                variant="default"
                loading={log.isFetchingNextPage}
                onClick={() => void log.fetchNextPage()}
              >
                Load more
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </>
  );
}

function EventRow({ event }: { event: AuditEvent }) {
  const actor = splitPersonLabel(event.actor.label);
  const sentence = describeAuditEntry(event);
  return (
    <Table.Tr data-testid="audit-row" data-action={event.action}>
      <Table.Td>
        <Tooltip label={formatDateTime(event.createdAt)}>
          <Text size="sm">{formatRelative(event.createdAt)}</Text>
        </Tooltip>
        <Text size="xs" c="dimmed">
          {formatDateTime(event.createdAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
          {actor.name}
        </Text>
        {actor.email ? (
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {actor.email}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <Badge
            variant="light"
            color={actionColor(event.action)}
            tt="none"
            fw={600}
            styles={{ root: { maxWidth: '100%' } }}
          >
            {auditActionLabels[event.action] ?? event.action}
          </Badge>
          <Text size="sm" data-testid="audit-sentence" style={{ overflowWrap: 'anywhere' }}>
            {sentence}
          </Text>
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}
