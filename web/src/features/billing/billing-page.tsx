import {
  Alert,
  Badge,
  Button,
  EmptyState,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconInfoCircle, IconReceipt } from '@tabler/icons-react';
import { type FormEvent, useEffect, useState } from 'react';
import type { Billing } from '../../../../src/contract/index.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { serverErrors } from '../../lib/form.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { RoleGate } from '../workspaces/role-gate.tsx';
import { seatsLabel } from '../workspaces/seats.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import { useBilling, useSetSeats } from './hooks.ts';

const seatWord = (n: number) => `seat${Math.abs(n) === 1 ? '' : 's'}`;

/** "+3 seats", "−2 seats", "No change". */
export function seatDifference(current: number, next: number): string {
  const diff = next - current;
  if (diff === 0) return 'No change';
  return `${diff > 0 ? '+' : '−'}${Math.abs(diff)} ${seatWord(diff)}`;
}

export function BillingPage() {
  return (
    <RoleGate section="billing">
      <BillingContent />
    </RoleGate>
  );
}

function BillingContent() {
  const workspace = useCurrentWorkspace();
  useDocumentTitle(`Billing · ${workspace.name} · Troupe`);
  const billing = useBilling(workspace.id);

  return (
    <>
      <PageHeader
        title="Billing"
        description="Each active member uses one seat. Invitations and join requests don't use a seat until they're accepted."
      />
      {billing.isPending ? (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Skeleton height={210} radius="lg" />
          <Skeleton height={210} radius="lg" />
        </SimpleGrid>
      ) : billing.isError ? (
        <Paper withBorder>
          <ErrorState
            error={billing.error}
            title="We couldn't load billing"
            onRetry={() => void billing.refetch()}
          />
        </Paper>
      ) : (
        <Stack gap="xl">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <SeatsCard billing={billing.data} />
            <ChangeSeatsForm workspaceId={workspace.id} billing={billing.data} />
          </SimpleGrid>
          <PurchaseHistory purchases={billing.data.purchases} />
        </Stack>
      )}
    </>
  );
}

function SeatsCard({ billing }: { billing: Billing }) {
  const { seats, seatsUsed } = billing;
  const pct = seats > 0 ? Math.min(100, (seatsUsed / seats) * 100) : 100;
  const free = Math.max(0, seats - seatsUsed);
  return (
    <Paper withBorder p={{ base: 'lg', sm: 'xl' }}>
      <Text size="sm" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.04em' }}>
        Seats
      </Text>
      <Group align="baseline" gap={8} mt="sm">
        <Text fz={40} fw={700} lh={1} data-testid="billing-seats-used">
          {seatsUsed}
        </Text>
        <Text size="lg" c="dimmed">
          / {seats}
        </Text>
      </Group>
      <Text size="sm" mt={4} data-testid="billing-seats">
        {seatsLabel(seatsUsed, seats)}
      </Text>
      <Progress
        value={pct}
        size="lg"
        radius="xl"
        mt="md"
        color={free === 0 ? 'orange' : 'brand'}
        aria-label={seatsLabel(seatsUsed, seats)}
      />
      <Text size="sm" c={free === 0 ? 'orange.8' : 'dimmed'} mt="sm">
        {free === 0
          ? 'Every seat is taken: add seats before anyone else can join.'
          : `${free} free ${seatWord(free)} for new members.`}
      </Text>
    </Paper>
  );
}

/** The most seats one workspace can have (SetSeatsBody's maximum). */
export const MAX_SEATS = 100_000;

/**
 * Reads the seat box: a whole number, or why not, in words. "2.5" is refused (a number input that
 * drops the point would read it as 25), and so is anything past the maximum.
 */
export function parseSeats(text: string): { seats: number } | { problem: string } {
  const t = text.trim().replace(/[\s_]/g, '');
  if (t === '') return { problem: 'Enter the number of seats you want in total' };
  if (/^\d+[.,]\d*$/.test(t) || /^[.,]\d+$/.test(t))
    return { problem: 'Seats come in whole numbers: enter one without a decimal point' };
  if (/^-/.test(t)) return { problem: 'Enter a positive number of seats' };
  if (!/^\d+$/.test(t)) return { problem: 'Enter the number of seats in digits, e.g. 10' };
  const seats = Number(t);
  if (seats > MAX_SEATS)
    return { problem: `At most ${MAX_SEATS.toLocaleString('en-US')} seats: contact us for more` };
  if (seats < 1) return { problem: 'Keep at least 1 seat' };
  return { seats };
}

function ChangeSeatsForm({ workspaceId, billing }: { workspaceId: string; billing: Billing }) {
  const setSeats = useSetSeats(workspaceId);
  const [value, setValue] = useState(String(billing.seats));
  const [serverError, setServerError] = useState<string | null>(null);

  // When the saved count changes (a purchase here or elsewhere), start from it.
  useEffect(() => setValue(String(billing.seats)), [billing.seats]);

  const parsed = parseSeats(value);
  const next = 'seats' in parsed ? parsed.seats : null;
  const diff = next === null ? 0 : next - billing.seats;
  const inUse = billing.seatsUsed;
  // Below the seats in use is refused before anyone presses the button, with the reason.
  const belowInUse = next !== null && next < inUse;
  const problem =
    'problem' in parsed
      ? parsed.problem
      : belowInUse
        ? `${inUse} ${seatWord(inUse)} ${inUse === 1 ? 'is' : 'are'} in use: keep at least ${inUse}, or remove members first`
        : null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (next === null || problem || diff === 0) return;
    setSeats.mutate(next, {
      onSuccess: (saved) => {
        setServerError(null);
        notifySuccess(
          'Seats updated',
          `${seatDifference(billing.seats, saved.seats)}: you now have ${saved.seats}.`,
        );
      },
      onError: (error) => {
        const { fields, form } = serverErrors(error, ['seats']);
        setServerError(fields.seats ?? null);
        if (form) notifyError(error, "Couldn't change the seats");
      },
    });
  };

  const shown = value.trim() === '' ? null : (problem ?? serverError);
  return (
    <Paper withBorder p={{ base: 'lg', sm: 'xl' }} component="form" onSubmit={onSubmit} noValidate>
      <Stack gap="md">
        <div>
          <Title order={3} fz="lg">
            Change seats
          </Title>
          <Text size="sm" c="dimmed">
            Enter the new total. You can't go below the {inUse} {seatWord(inUse)} in use.
          </Text>
        </div>
        <Group align="flex-start" gap="md" wrap="nowrap">
          <TextInput
            label="Total seats"
            value={value}
            onChange={(e) => {
              setValue(e.currentTarget.value);
              setServerError(null);
            }}
            inputMode="numeric"
            autoComplete="off"
            maxLength={12}
            error={shown}
            w={180}
            style={{ flex: 'none' }}
            data-testid="seats-input"
          />
          <Badge
            mt={30}
            size="lg"
            variant="light"
            color={diff > 0 ? 'teal' : diff < 0 ? 'orange' : 'gray'}
            tt="none"
            data-testid="seats-diff"
            aria-live="polite"
          >
            {next !== null ? seatDifference(billing.seats, next) : '—'}
          </Badge>
        </Group>
        <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />} p="sm">
          <Text size="sm">Self-hosted: seats are free; purchases are recorded.</Text>
        </Alert>
        <Group justify="flex-end">
          <Button
            type="submit"
            disabled={next === null || problem !== null || diff === 0}
            loading={setSeats.isPending}
            data-testid="seats-submit"
          >
            {next === null
              ? 'Update seats'
              : diff > 0
                ? `Buy ${diff} ${seatWord(diff)}`
                : diff < 0
                  ? `Remove ${-diff} ${seatWord(diff)}`
                  : 'Update seats'}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function PurchaseHistory({ purchases }: { purchases: Billing['purchases'] }) {
  return (
    <Paper withBorder style={{ overflow: 'hidden' }}>
      <Group p={{ base: 'lg', sm: 'xl' }} pb="md">
        <Title order={3} fz="lg">
          Purchase history
        </Title>
      </Group>
      {purchases.length === 0 ? (
        <EmptyState
          pb="xl"
          variant="light"
          icon={<IconReceipt size={24} stroke={1.6} />}
          title="No purchases yet"
          description="Seat changes are listed here, with who made them."
        />
      ) : (
        <Table.ScrollContainer
          minWidth={680}
          type="native"
          tabIndex={0}
          role="region"
          aria-label="Purchase history"
        >
          <Table verticalSpacing="sm" horizontalSpacing="xl" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Date</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>Seats</Table.Th>
                <Table.Th>Change</Table.Th>
                <Table.Th>Provider</Table.Th>
                <Table.Th>Reference</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {purchases.map((p) => (
                <Table.Tr key={p.id} data-testid="purchase-row">
                  <Table.Td>
                    <Text size="sm">{formatDateTime(p.createdAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate="end" maw={200} title={p.actor.name}>
                      {p.actor.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {p.seatsBefore} → {p.seatsAfter}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      tt="none"
                      color={
                        p.seatsAfter > p.seatsBefore
                          ? 'teal'
                          : p.seatsAfter < p.seatsBefore
                            ? 'orange'
                            : 'gray'
                      }
                    >
                      {seatDifference(p.seatsBefore, p.seatsAfter)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{p.provider}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" c="dimmed" truncate="end" maw={220} title={p.reference}>
                      {p.reference}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
