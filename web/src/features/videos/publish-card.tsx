import {
  Alert,
  Anchor,
  Button,
  CopyButton,
  Divider,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconCheck, IconClockX, IconCode, IconCopy, IconExternalLink, IconLock } from '@tabler/icons-react';
import { useState } from 'react';
import { type SharePage, SharePassword, type UpdateSharePageBody } from '../../../../src/contract/index.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { useUpdateSharePage } from './hooks.ts';
import classes from './videos.module.css';

function CopyRow({ value, label, testId }: { value: string; label: string; testId: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <TextInput
        value={value}
        readOnly
        aria-label={label}
        style={{ flex: 1, minWidth: 0 }}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
      />
      <CopyButton value={value} timeout={2000}>
        {({ copied, copy }) => (
          <Button
            variant="default"
            onClick={copy}
            leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            color={copied ? 'teal' : undefined}
            style={{ flex: 'none' }}
            data-testid={`${testId}-copy`}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

/** `yyyy-MM-ddTHH:mm` in local time, for a datetime-local input. */
const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/**
 * Publish to the web (a public URL and an embed code, each with a copy button), the password,
 * downloads and an expiry. Only people who can share the video change these.
 */
export function PublishCard({
  itemId,
  page,
  canShare,
}: {
  itemId: string;
  page: SharePage;
  canShare: boolean;
}) {
  const update = useUpdateSharePage(itemId);
  const [password, setPassword] = useState('');
  const [expiry, setExpiry] = useState(page.expiresAt ? toLocalInput(page.expiresAt) : '');
  const change = (body: UpdateSharePageBody, done: string) =>
    update.mutate(body, {
      onSuccess: () => notifySuccess(done),
      onError: (e) => notifyError(e, "Couldn't change the Share Page"),
    });
  const passwordCheck = SharePassword.safeParse(password);
  const expiryAt = expiry ? new Date(expiry) : null;
  const expiryError = expiryAt && expiryAt.getTime() <= Date.now() ? 'Must be in the future' : null;
  const busy = update.isPending;
  const noVideo = !page.hasVideo;
  const embed = page.embedUrl
    ? `<iframe src="${page.embedUrl}" width="640" height="360" style="border:0" allow="fullscreen; picture-in-picture" allowfullscreen title="Video"></iframe>`
    : '';

  return (
    <Paper withBorder p="lg" data-testid="publish-card">
      <Stack gap="md">
        <Title order={3} fz="md">
          Publish to the web
        </Title>
        <Tooltip label="Upload a video first" disabled={!noVideo || page.published}>
          <div>
            <Switch
              label={page.published ? 'Published: anyone with the link can watch' : 'Not published'}
              checked={page.published}
              disabled={!canShare || busy || (noVideo && !page.published)}
              onChange={(e) =>
                change(
                  { published: e.currentTarget.checked },
                  e.currentTarget.checked ? 'Published to the web' : 'Unpublished: the link no longer works',
                )
              }
              data-testid="publish-switch"
            />
          </div>
        </Tooltip>
        {!canShare ? (
          <Text size="xs" c="dimmed">
            Only people who can edit this video change its Share Page.
          </Text>
        ) : null}
        {page.published && page.url ? (
          <Stack gap="xs">
            {page.expired ? (
              <Alert color="orange" variant="light" icon={<IconClockX size={18} />}>
                The link expired: it answers “not available” until you move or clear the expiry.
              </Alert>
            ) : null}
            <Text size="sm" fw={600}>
              Public link
            </Text>
            <CopyRow value={page.url} label="Public link" testId="public-url" />
            <Group gap="xs">
              <Anchor href={page.url} target="_blank" rel="noreferrer" size="sm">
                <Group gap={4}>
                  <IconExternalLink size={14} /> Open the public page
                </Group>
              </Anchor>
              <Text size="sm" c="dimmed" data-testid="views">
                · {page.views === 1 ? '1 view' : `${page.views} views`}
              </Text>
            </Group>
            <Text size="sm" fw={600} component="div">
              <Group gap={4}>
                <IconCode size={14} /> Embed code
              </Group>
            </Text>
            <CopyRow value={embed} label="Embed code" testId="embed-code" />
          </Stack>
        ) : null}

        <Divider />
        <Stack gap="xs">
          <Group gap={6}>
            <IconLock size={16} />
            <Text size="sm" fw={600}>
              Password
            </Text>
            <Text size="sm" c="dimmed" data-testid="password-status">
              {page.hasPassword ? 'Set: viewers must enter it' : 'None'}
            </Text>
          </Group>
          {canShare ? (
            <>
              {/* A form, so Enter in the field sets the password as the button does. */}
              <form
                noValidate
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!passwordCheck.success || busy) return;
                  change(
                    { password },
                    page.hasPassword ? 'Password changed: earlier unlocks ended' : 'Password set',
                  );
                  setPassword('');
                }}
              >
                <Group gap="xs" align="flex-start" wrap="nowrap">
                  <PasswordInput
                    aria-label={page.hasPassword ? 'New password' : 'Password'}
                    placeholder={page.hasPassword ? 'New password' : 'Set a password'}
                    // The video's password, not the person's own: no autofill, no offer to save it.
                    autoComplete="new-password"
                    value={password}
                    onChange={(e) => setPassword(e.currentTarget.value)}
                    error={password && !passwordCheck.success ? passwordCheck.error.issues[0]?.message : null}
                    style={{ flex: 1, minWidth: 0 }}
                    maxLength={128}
                  />
                  <Button type="submit" disabled={!passwordCheck.success || busy} style={{ flex: 'none' }}>
                    {page.hasPassword ? 'Change' : 'Set password'}
                  </Button>
                </Group>
              </form>
              {page.hasPassword ? (
                <Button
                  variant="subtle"
                  color="red"
                  size="xs"
                  w="fit-content"
                  disabled={busy}
                  onClick={() => change({ password: null }, 'Password removed')}
                >
                  Remove password
                </Button>
              ) : null}
            </>
          ) : null}
        </Stack>

        <Divider />
        <Switch
          label="Allow downloads"
          description="Viewers of the public page get a Download button"
          checked={page.allowDownload}
          disabled={!canShare || busy}
          onChange={(e) =>
            change(
              { allowDownload: e.currentTarget.checked },
              e.currentTarget.checked ? 'Downloads on' : 'Downloads off',
            )
          }
          data-testid="download-switch"
        />
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Link expires
          </Text>
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <TextInput
              type="datetime-local"
              aria-label="Expiry"
              value={expiry}
              onChange={(e) => setExpiry(e.currentTarget.value)}
              error={expiryError}
              disabled={!canShare}
              style={{ flex: 1, minWidth: 0 }}
            />
            <Button
              variant="default"
              disabled={!canShare || busy || !expiryAt || Boolean(expiryError)}
              onClick={() => expiryAt && change({ expiresAt: expiryAt.toISOString() }, 'Expiry set')}
              style={{ flex: 'none' }}
            >
              Save
            </Button>
            {page.expiresAt ? (
              <Button
                variant="subtle"
                disabled={!canShare || busy}
                onClick={() => {
                  setExpiry('');
                  change({ expiresAt: null }, 'The link no longer expires');
                }}
                style={{ flex: 'none' }}
              >
                Clear
              </Button>
            ) : null}
          </Group>
          <Text size="xs" c="dimmed" className={classes.url}>
            {page.expiresAt ? `Expires ${new Date(page.expiresAt).toLocaleString()}` : 'Never expires'}
          </Text>
        </Stack>
      </Stack>
    </Paper>
  );
}
