import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  EmptyState,
  Group,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { IconExternalLink, IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { ApiKey } from '../../../../src/contract/index.ts';
import { formatDate, formatDateTime, formatRelative, isPast } from '../../lib/dates.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { ConfirmModal } from '../../ui/confirm-modal.tsx';
import { CopyField } from '../../ui/copy-field.tsx';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { RoleGate } from '../workspaces/role-gate.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import { CreateKeyModal } from './create-key-modal.tsx';
import { useApiKeys, useRevokeApiKey } from './hooks.ts';

export function ApiKeysPage() {
  return (
    <RoleGate section="api-keys">
      <ApiKeys />
    </RoleGate>
  );
}

function ApiKeys() {
  const workspace = useCurrentWorkspace();
  useDocumentTitle(`API keys · ${workspace.name} · Troupe`);
  const me = useSignedInUser();
  const keys = useApiKeys(workspace.id);
  const [createOpened, createModal] = useDisclosure(false);
  const isAdmin = workspace.role === 'super_admin';
  const list = keys.data?.apiKeys ?? [];

  return (
    <>
      <PageHeader
        title="API keys"
        description={
          isAdmin
            ? `Keys for calling the Troupe API in ${workspace.name}. As a Super Admin you see everyone's keys and can revoke any of them.`
            : `Keys for calling the Troupe API in ${workspace.name} as you. Only you see your keys.`
        }
        actions={
          <Button
            leftSection={<IconPlus size={16} />}
            onClick={createModal.open}
            data-testid="create-key-button"
          >
            Create key
          </Button>
        }
      />
      <Stack gap="xl">
        {keys.isPending ? (
          <Skeleton height={180} radius="lg" />
        ) : keys.isError ? (
          <Paper withBorder>
            <ErrorState
              error={keys.error}
              title="We couldn't load the API keys"
              onRetry={() => void keys.refetch()}
            />
          </Paper>
        ) : list.length === 0 ? (
          <Paper withBorder p={{ base: 'lg', sm: 48 }}>
            <EmptyState
              variant="light"
              icon={<IconKey size={26} stroke={1.6} />}
              title="No API keys yet"
              description="Create a key to call the API from scripts, CI or other tools."
            >
              <EmptyState.Actions>
                <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
                  Create key
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          </Paper>
        ) : (
          <Paper withBorder style={{ overflow: 'hidden' }}>
            <Table.ScrollContainer
              minWidth={820}
              type="native"
              tabIndex={0}
              role="region"
              aria-label="API keys"
            >
              <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Key</Table.Th>
                    <Table.Th>Owner</Table.Th>
                    <Table.Th>Created</Table.Th>
                    <Table.Th>Last used</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th w={56}>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((key) => (
                    <KeyRow
                      key={key.id}
                      apiKey={key}
                      workspaceId={workspace.id}
                      mine={key.owner.id === me.id}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        )}
        <HowToCall />
      </Stack>
      <CreateKeyModal workspaceId={workspace.id} opened={createOpened} onClose={createModal.close} />
    </>
  );
}

function KeyRow({ apiKey, workspaceId, mine }: { apiKey: ApiKey; workspaceId: string; mine: boolean }) {
  const revoke = useRevokeApiKey(workspaceId);
  const [confirming, setConfirming] = useState(false);
  const expired = isPast(apiKey.expiresAt);
  return (
    <Table.Tr data-testid="api-key-row" data-name={apiKey.name}>
      <Table.Td>
        <Text size="sm" fw={600}>
          {apiKey.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace" c="dimmed">
          {apiKey.prefix}…
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {apiKey.owner.name}
          {mine ? (
            <Text span size="xs" c="dimmed">
              {' '}
              (you)
            </Text>
          ) : null}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDate(apiKey.createdAt)}</Text>
      </Table.Td>
      <Table.Td>
        {apiKey.lastUsedAt ? (
          <Tooltip label={formatDateTime(apiKey.lastUsedAt)}>
            <Text size="sm">{formatRelative(apiKey.lastUsedAt)}</Text>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            Never
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {expired ? (
          <Badge color="red" variant="light" tt="none">
            Expired
          </Badge>
        ) : apiKey.expiresAt ? (
          <Text size="sm">{formatDate(apiKey.expiresAt)}</Text>
        ) : (
          <Text size="sm" c="dimmed">
            Never
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Tooltip label="Revoke">
          <ActionIcon
            variant="subtle"
            color="red"
            aria-label={`Revoke ${apiKey.name}`}
            onClick={() => setConfirming(true)}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
        <ConfirmModal
          opened={confirming}
          onClose={() => {
            setConfirming(false);
            revoke.reset();
          }}
          title={`Revoke “${apiKey.name}”?`}
          confirmLabel="Revoke key"
          loading={revoke.isPending}
          error={revoke.error}
          onConfirm={() =>
            revoke.mutate(apiKey.id, {
              onSuccess: () => {
                setConfirming(false);
                notifySuccess('Key revoked', `${apiKey.name} (${apiKey.prefix}…) no longer works.`);
              },
            })
          }
        >
          <Text size="sm">
            Anything using {apiKey.prefix}… {mine ? '' : `(owned by ${apiKey.owner.name}) `}stops working at
            once. This can't be undone.
          </Text>
        </ConfirmModal>
      </Table.Td>
    </Table.Tr>
  );
}

function HowToCall() {
  const origin = window.location.origin;
  return (
    <Paper withBorder p={{ base: 'lg', sm: 'xl' }}>
      <Title order={3} fz="lg" mb={4}>
        How to call the API
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Send the key as a Bearer token. The API answers JSON, and errors as problem+json with a stable{' '}
        <code>code</code>.
      </Text>
      <CopyField value={`curl -H "Authorization: Bearer <key>" ${origin}/api/me`} label="Copy command" />
      <Group gap="lg" mt="md">
        <Anchor href="/api/docs" target="_blank" rel="noreferrer" size="sm">
          API reference <IconExternalLink size={12} style={{ verticalAlign: 'middle' }} />
        </Anchor>
        <Anchor href="/api/openapi.json" target="_blank" rel="noreferrer" size="sm">
          OpenAPI document <IconExternalLink size={12} style={{ verticalAlign: 'middle' }} />
        </Anchor>
      </Group>
    </Paper>
  );
}
