import {
  Alert,
  Anchor,
  Badge,
  Button,
  Divider,
  Group,
  List,
  ScrollArea,
  Select,
  Stack,
  Text,
  Textarea,
} from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import type { InviteResult, Role } from '../../../../src/contract/index.ts';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { isRole, roleDescriptions, roleOptions } from '../../lib/roles.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { useInvite } from './hooks.ts';
import { InviteLinkSection } from './invite-link-section.tsx';
import { MAX_INVITES, parseEmails } from './parse-emails.ts';

type Outcome = InviteResult['results'][number]['outcome'];

const outcomeLabels: Record<Outcome, { label: string; color: string }> = {
  invited: { label: 'Invited', color: 'teal' },
  already_member: { label: 'Already a member', color: 'gray' },
  already_invited: { label: 'Already invited', color: 'blue' },
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Invite members": pasted addresses and one role; then what happened to each address. */
export function InviteModal({
  workspaceId,
  workspaceName,
  requireApproval,
  seats,
  seatsUsed,
  opened,
  onClose,
}: {
  workspaceId: string;
  workspaceName: string;
  requireApproval: boolean;
  /** The seat count and the seats taken, to warn before inviting more people than can join. */
  seats: number;
  seatsUsed: number;
  opened: boolean;
  onClose: () => void;
}) {
  const invite = useInvite(workspaceId);
  const [text, setText] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  /** Problems to show under the addresses: bad addresses (ours or the server's) or a form error. */
  const [problems, setProblems] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [results, setResults] = useState<InviteResult['results'] | null>(null);

  const parsed = parseEmails(text);
  const count = parsed.valid.length;
  const tooMany = count > MAX_INVITES;
  const freeSeats = Math.max(0, seats - seatsUsed);
  const cantJoin = count - freeSeats;

  const reset = () => {
    setText('');
    setRole('viewer');
    setProblems([]);
    setFormError(null);
    setResults(null);
    invite.reset();
  };
  const close = () => {
    if (invite.isPending) return;
    onClose();
    // After the closing transition, so the dialog doesn't flash back to the form.
    setTimeout(reset, 200);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    if (parsed.invalid.length > 0) {
      setProblems(parsed.invalid.map((bad) => `${bad} is not a valid email address`));
      return;
    }
    if (count === 0) {
      setProblems(['Enter at least one email address']);
      return;
    }
    if (tooMany) {
      setProblems([`At most ${MAX_INVITES} addresses at a time (you entered ${count})`]);
      return;
    }
    setProblems([]);
    invite.mutate(
      { emails: text, role },
      {
        onSuccess: (result) => setResults(result.results),
        onError: (error) => {
          if (error instanceof ApiError && error.issues.length > 0) {
            const about = error.issues.filter((i) => i.path.endsWith('emails') || i.path === '');
            if (about.length > 0) {
              setProblems(about.map((i) => i.message));
              return;
            }
          }
          setFormError(errorMessage(error));
        },
      },
    );
  };

  return (
    <AppModal
      opened={opened}
      onClose={close}
      title={
        <Text fw={650} data-testid="invite-title">
          {results
            ? results.some((r) => r.outcome === 'invited')
              ? 'Invitations sent'
              : 'No invitations sent'
            : `Invite people to ${workspaceName}`}
        </Text>
      }
      size="lg"
    >
      {results ? (
        <InviteResults results={results} onMore={reset} onDone={close} />
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="md">
            {formError ? (
              <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
                {formError}
              </Alert>
            ) : null}
            <Textarea
              label="Email addresses"
              description="Paste up to 100 addresses, separated by commas, spaces or new lines."
              placeholder={'ada@example.com, grace@example.com\nkatherine@example.com'}
              autosize
              minRows={4}
              maxRows={10}
              value={text}
              onChange={(e) => {
                setText(e.currentTarget.value);
                setProblems([]);
              }}
              error={problems.length > 0 ? <ProblemList problems={problems} /> : undefined}
              data-autofocus
              data-testid="invite-emails"
            />
            <Text
              size="sm"
              c={tooMany ? 'red' : 'dimmed'}
              mt={-8}
              aria-live="polite"
              data-testid="invite-count"
            >
              {count === 0 ? 'No addresses yet' : `${plural(count, 'address', 'addresses')}`}
              {parsed.invalid.length > 0 ? ` · ${parsed.invalid.length} not valid` : ''}
              {tooMany ? ` · at most ${MAX_INVITES} at a time` : ''}
            </Text>
            <Text size="sm" c="dimmed" mt={-12} data-testid="invite-free-seats">
              {freeSeats === 0
                ? 'No free seats'
                : `${plural(freeSeats, 'free seat')} (${seatsUsed} of ${seats} used)`}
            </Text>
            {count > 0 && cantJoin > 0 ? (
              <Alert
                color="orange"
                variant="light"
                icon={<IconAlertTriangle size={18} />}
                data-testid="invite-seat-warning"
              >
                {freeSeats === 0 ? 'No free seats' : plural(freeSeats, 'free seat')}:{' '}
                {cantJoin === 1 ? "1 person can't" : `${cantJoin} people can't`} join until you add seats —{' '}
                <Anchor component={Link} to={`/w/${workspaceId}/billing`} onClick={close} size="sm">
                  Add seats
                </Anchor>
              </Alert>
            ) : null}
            <Select
              label="Role"
              description={roleDescriptions[role]}
              data={roleOptions}
              value={role}
              onChange={(value) => {
                if (isRole(value)) setRole(value);
              }}
              allowDeselect={false}
              maw={320}
            />
            <Text size="xs" c="dimmed">
              Each person gets an email with a link that works for 7 days. Invitations don't use a seat until
              they're accepted.
            </Text>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close} disabled={invite.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={invite.isPending} disabled={count === 0}>
                {count > 1 ? `Send ${count} invitations` : 'Send invitation'}
              </Button>
            </Group>
            <Divider label="or share a link" labelPosition="center" />
            <InviteLinkSection workspaceId={workspaceId} requireApproval={requireApproval} />
          </Stack>
        </form>
      )}
    </AppModal>
  );
}

function ProblemList({ problems }: { problems: string[] }) {
  if (problems.length === 1) return <span data-testid="invite-error">{problems[0]}</span>;
  return (
    <span data-testid="invite-error">
      {problems.length} addresses need fixing; nothing was sent:
      <List size="xs" mt={4} withPadding>
        {problems.slice(0, 20).map((p) => (
          <List.Item key={p}>{p}</List.Item>
        ))}
        {problems.length > 20 ? <List.Item>…and {problems.length - 20} more</List.Item> : null}
      </List>
    </span>
  );
}

function InviteResults({
  results,
  onMore,
  onDone,
}: {
  results: InviteResult['results'];
  onMore: () => void;
  onDone: () => void;
}) {
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  const invited = count('invited');
  const members = count('already_member');
  const pending = count('already_invited');
  return (
    <Stack gap="md">
      <Alert
        color={invited > 0 ? 'teal' : 'gray'}
        variant="light"
        icon={<IconCircleCheck size={18} />}
        data-testid="invite-summary"
      >
        {invited > 0 ? `${plural(invited, 'invitation')} sent.` : 'No new invitations were needed.'}
        {members > 0 ? ` ${plural(members, 'is already a member', 'are already members')}.` : ''}
        {pending > 0
          ? ` ${plural(pending, 'already has an invitation', 'already have invitations')}: resend ${
              pending === 1 ? 'it' : 'them'
            } from the members list.`
          : ''}
      </Alert>
      <ScrollArea.Autosize
        mah={320}
        type="auto"
        scrollbars="y"
        viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'What happened to each address' }}
      >
        <Stack gap={6}>
          {results.map((r) => (
            <Group
              key={r.email}
              justify="space-between"
              wrap="nowrap"
              gap="sm"
              data-testid="invite-result"
              data-email={r.email}
            >
              <Text size="sm" truncate="end" title={r.email} style={{ flex: 1, minWidth: 0 }}>
                {r.email}
              </Text>
              <Badge
                variant="light"
                color={outcomeLabels[r.outcome].color}
                tt="none"
                style={{ flex: 'none' }}
              >
                {outcomeLabels[r.outcome].label}
              </Badge>
            </Group>
          ))}
        </Stack>
      </ScrollArea.Autosize>
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onMore}>
          Invite more
        </Button>
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
