import { ActionIcon, Avatar, Button, Group, Paper, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconUserPlus, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import type { Role } from '../../../../src/contract/index.ts';
import { notifyError, notifyInfo, notifySuccess } from '../../lib/notify.ts';
import { isRole, roleOptions } from '../../lib/roles.ts';
import { useDismissSuggestion, useInvite, useSuggestions } from './hooks.ts';

/** People at the company domain who are not in the workspace yet: invite in one click, or dismiss. */
export function SuggestionsPanel({
  workspaceId,
  companyDomain,
}: {
  workspaceId: string;
  companyDomain: string;
}) {
  const list = useSuggestions(workspaceId, true);
  const people = list.data?.pages.flatMap((p) => p.suggestions) ?? [];
  if (people.length === 0) return null;
  return (
    <Paper withBorder p={{ base: 'md', sm: 'lg' }} mt="xl" data-testid="suggestions">
      <Title order={3} fz="md">
        People at {companyDomain}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        They signed up with a verified {companyDomain} address and aren't in this workspace yet.
      </Text>
      <Stack gap="sm">
        {people.map((p) => (
          <SuggestionRow key={p.userId} workspaceId={workspaceId} person={p} />
        ))}
      </Stack>
      {list.hasNextPage ? (
        <Group justify="center" mt="md">
          <Button
            variant="default"
            size="xs"
            loading={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            More people
          </Button>
        </Group>
      ) : null}
    </Paper>
  );
}

function SuggestionRow({
  workspaceId,
  person,
}: {
  workspaceId: string;
  person: { userId: string; email: string; name: string };
}) {
  const invite = useInvite(workspaceId);
  const dismiss = useDismissSuggestion(workspaceId);
  const [role, setRole] = useState<Role>('viewer');
  return (
    <Group justify="space-between" gap="sm" wrap="wrap" data-testid="suggestion" data-email={person.email}>
      <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: '1 1 220px' }}>
        <Avatar name={person.name} color="initials" radius="xl" size={32} />
        <div style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} truncate="end">
            {person.name}
          </Text>
          <Text size="xs" c="dimmed" truncate="end">
            {person.email}
          </Text>
        </div>
      </Group>
      <Group gap="xs" wrap="nowrap">
        <Select
          aria-label={`Role for ${person.email}`}
          data={roleOptions}
          value={role}
          onChange={(v) => isRole(v) && setRole(v)}
          allowDeselect={false}
          size="xs"
          w={130}
        />
        <Button
          size="xs"
          leftSection={<IconUserPlus size={14} />}
          loading={invite.isPending}
          onClick={() =>
            invite.mutate(
              { emails: person.email, role },
              {
                // Someone may have invited them, or they joined, since the suggestion was listed.
                onSuccess: ({ results }) => {
                  const outcome = results[0]?.outcome;
                  if (outcome === 'already_member')
                    notifyInfo('Already a member', `${person.email} has joined.`);
                  else if (outcome === 'already_invited')
                    notifyInfo(
                      'Already invited',
                      `${person.email} has an invitation: resend it from the list.`,
                    );
                  else notifySuccess('Invitation sent', `${person.email} gets an email to join.`);
                },
                onError: (e) => notifyError(e, "Couldn't invite"),
              },
            )
          }
        >
          Invite
        </Button>
        <Tooltip label="Don't suggest again" withArrow>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Dismiss ${person.email}`}
            loading={dismiss.isPending}
            onClick={() =>
              dismiss.mutate(person.userId, { onError: (e) => notifyError(e, "Couldn't dismiss") })
            }
          >
            <IconX size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </Group>
  );
}
