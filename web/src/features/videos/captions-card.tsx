import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  FileButton,
  Group,
  Paper,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconAlertCircle, IconPencil, IconPlus, IconTrash, IconUpload } from '@tabler/icons-react';
import { type KeyboardEvent, useState } from 'react';
import {
  type CaptionTrack,
  CaptionTrackBody,
  MAX_CAPTION_TRACKS,
  parseVtt,
  serializeVtt,
  type VttCue,
} from '../../../../src/contract/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { ConfirmModal } from '../../ui/confirm-modal.tsx';
import { useCaptionChanges, useCaptions } from './hooks.ts';
import classes from './videos.module.css';

const NEW_TRACK = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n\n';

/** Caption tracks, one per language: add (paste or upload a .vtt), edit cue by cue, delete. */
export function CaptionsCard({ itemId, canEdit }: { itemId: string; canEdit: boolean }) {
  const captions = useCaptions(itemId);
  const changes = useCaptionChanges(itemId);
  const [editing, setEditing] = useState<CaptionTrack | 'new' | null>(null);
  const [removing, setRemoving] = useState<CaptionTrack | null>(null);
  const tracks = captions.data?.tracks ?? [];
  const full = tracks.length >= MAX_CAPTION_TRACKS;
  return (
    <Paper withBorder p="lg" data-testid="captions-card">
      <Group justify="space-between" mb="sm">
        <Title order={3} fz="md">
          Captions
        </Title>
        {canEdit ? (
          <Button
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => setEditing('new')}
            disabled={full}
            aria-describedby={full ? 'captions-full' : undefined}
          >
            Add captions
          </Button>
        ) : null}
      </Group>
      {canEdit && full ? (
        <Text id="captions-full" size="xs" c="dimmed" mb="xs" data-testid="captions-full">
          A video has at most {MAX_CAPTION_TRACKS} caption tracks: delete one to add another.
        </Text>
      ) : null}
      {tracks.length === 0 ? (
        <Text size="sm" c="dimmed">
          No captions yet.{canEdit ? ' Add a WebVTT track per language.' : ''}
        </Text>
      ) : (
        <Stack gap="xs">
          {tracks.map((t) => (
            <Group key={t.id} justify="space-between" wrap="nowrap" data-testid="caption-track">
              <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                <Badge variant="light" tt="none" style={{ flex: 'none' }}>
                  {t.language}
                </Badge>
                <Text size="sm" truncate="end">
                  {t.label}
                </Text>
              </Group>
              {canEdit ? (
                <Group gap={4} wrap="nowrap">
                  <Tooltip label="Edit">
                    <ActionIcon variant="subtle" aria-label={`Edit ${t.label}`} onClick={() => setEditing(t)}>
                      <IconPencil size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label="Delete">
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Delete ${t.label}`}
                      onClick={() => setRemoving(t)}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Group>
              ) : null}
            </Group>
          ))}
        </Stack>
      )}
      {editing ? (
        <CaptionEditor
          track={editing === 'new' ? null : editing}
          taken={tracks.filter((t) => editing === 'new' || t.id !== editing.id).map((t) => t.language)}
          onClose={() => setEditing(null)}
          onSave={async (body) => {
            if (editing === 'new') await changes.add.mutateAsync(body);
            else await changes.update.mutateAsync({ trackId: editing.id, body });
            notifySuccess('Captions saved', body.label);
            setEditing(null);
          }}
        />
      ) : null}
      <ConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title="Delete these captions?"
        confirmLabel="Delete"
        color="red"
        onConfirm={() => {
          const t = removing;
          setRemoving(null);
          if (t)
            changes.remove.mutate(t.id, { onError: (e) => notifyError(e, "Couldn't delete the captions") });
        }}
      >
        <Text size="sm">“{removing?.label}” will be gone from the video and its public page.</Text>
      </ConfirmModal>
    </Paper>
  );
}

function CaptionEditor({
  track,
  taken,
  onClose,
  onSave,
}: {
  track: CaptionTrack | null;
  taken: string[];
  onClose: () => void;
  onSave: (body: { language: string; label: string; vtt: string }) => Promise<void>;
}) {
  const [language, setLanguage] = useState(track?.language ?? '');
  const [label, setLabel] = useState(track?.label ?? '');
  const [text, setText] = useState(track?.vtt ?? NEW_TRACK);
  const [tab, setTab] = useState<string | null>('cues');
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const parsed = parseVtt(text);
  const checked = CaptionTrackBody.safeParse({ language, label, vtt: text });
  const fieldError = (field: string) =>
    checked.success ? null : (checked.error.issues.find((i) => i.path[0] === field)?.message ?? null);
  const langError =
    fieldError('language') ??
    (checked.success && taken.includes(checked.data.language)
      ? `There is already a track in ${checked.data.language}`
      : null);
  const canSave = checked.success && !langError;
  const cues = parsed.cues;
  const setCues = (next: VttCue[]) => setText(serializeVtt(next));
  const updateCue = (i: number, patch: Partial<VttCue>) =>
    setCues(cues.map((c, j) => (j === i ? { ...c, ...patch } : c)));

  const save = async () => {
    if (!checked.success || langError) return;
    setSaving(true);
    setServerError(null);
    try {
      await onSave(checked.data);
    } catch (err) {
      setServerError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  // Enter in the language or the label saves, as in any form (the cues and the WebVTT text keep
  // Enter for their own lines, and a cue's times are taken when they lose focus).
  const saveOnEnter = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
    e.preventDefault();
    if (canSave && !saving) void save();
  };

  return (
    <AppModal
      opened
      onClose={onClose}
      size="xl"
      title={<Text fw={650}>{track ? `Edit “${track.label}”` : 'Add captions'}</Text>}
    >
      <Stack gap="md">
        <Group grow align="flex-start">
          <TextInput
            label="Language"
            description="A language tag: en, fr, pt-BR"
            value={language}
            onChange={(e) => setLanguage(e.currentTarget.value)}
            onKeyDown={saveOnEnter}
            error={language ? langError : null}
            maxLength={35}
          />
          <TextInput
            label="Label"
            description="What viewers see in the captions menu"
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
            onKeyDown={saveOnEnter}
            error={label ? fieldError('label') : null}
            maxLength={100}
          />
        </Group>
        <Tabs value={tab} onChange={setTab}>
          <Tabs.List>
            <Tabs.Tab value="cues" disabled={parsed.problems.length > 0}>
              Cues
            </Tabs.Tab>
            <Tabs.Tab value="text">WebVTT text</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="cues" pt="sm">
            {parsed.problems.length > 0 ? (
              <Text size="sm" c="dimmed">
                Fix the WebVTT text first: the cues can be edited once it parses.
              </Text>
            ) : (
              <Stack gap="xs" data-testid="cue-editor">
                {cues.map((c, i) => (
                  <div
                    // biome-ignore lint/suspicious/noArrayIndexKey: uncontrolled rows keyed by their content too, so any change remounts them with the new values
                    key={`${i}:${c.start}:${c.end}:${c.text}`}
                    className={classes.cueRow}
                    data-testid="cue-row"
                  >
                    <TextInput
                      size="xs"
                      aria-label={`Cue ${i + 1} start (seconds)`}
                      defaultValue={c.start.toFixed(3)}
                      onBlur={(e) => {
                        const v = Number(e.currentTarget.value);
                        if (Number.isFinite(v) && v >= 0) updateCue(i, { start: v });
                      }}
                    />
                    <TextInput
                      size="xs"
                      aria-label={`Cue ${i + 1} end (seconds)`}
                      defaultValue={c.end.toFixed(3)}
                      onBlur={(e) => {
                        const v = Number(e.currentTarget.value);
                        if (Number.isFinite(v) && v >= 0) updateCue(i, { end: v });
                      }}
                    />
                    <Textarea
                      size="xs"
                      className={classes.cueText}
                      aria-label={`Cue ${i + 1} text`}
                      autosize
                      minRows={1}
                      defaultValue={c.text}
                      onBlur={(e) => updateCue(i, { text: e.currentTarget.value })}
                    />
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Delete cue ${i + 1}`}
                      onClick={() => setCues(cues.filter((_, j) => j !== i))}
                    >
                      <IconTrash size={14} />
                    </ActionIcon>
                  </div>
                ))}
                <Group>
                  <Button
                    size="xs"
                    variant="default"
                    leftSection={<IconPlus size={14} />}
                    onClick={() => {
                      const last = cues[cues.length - 1];
                      const start = last ? last.end : 0;
                      setCues([...cues, { id: '', start, end: start + 2, text: '' }]);
                    }}
                  >
                    Add cue
                  </Button>
                </Group>
              </Stack>
            )}
          </Tabs.Panel>
          <Tabs.Panel value="text" pt="sm">
            <Stack gap="xs">
              <Textarea
                aria-label="WebVTT text"
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
                autosize
                minRows={8}
                maxRows={18}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                error={fieldError('vtt')}
              />
              <FileButton
                accept=".vtt,text/vtt"
                onChange={(file) => {
                  if (file) void file.text().then((t) => setText(t));
                }}
              >
                {(props) => (
                  <Button
                    {...props}
                    size="xs"
                    variant="default"
                    leftSection={<IconUpload size={14} />}
                    w="fit-content"
                  >
                    Load a .vtt file
                  </Button>
                )}
              </FileButton>
            </Stack>
          </Tabs.Panel>
        </Tabs>
        {parsed.problems.length > 0 ? (
          <Alert
            color="orange"
            variant="light"
            icon={<IconAlertCircle size={18} />}
            data-testid="vtt-problems"
          >
            {parsed.problems.slice(0, 5).map((p) => (
              <Text size="sm" key={`${p.line}-${p.message}`}>
                Line {p.line}: {p.message}
              </Text>
            ))}
          </Alert>
        ) : null}
        {serverError ? (
          <Alert color="red" variant="light" role="alert">
            {serverError}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Tooltip label="Fix the marked fields first" disabled={canSave}>
            <Button onClick={() => void save()} loading={saving} disabled={!canSave}>
              Save captions
            </Button>
          </Tooltip>
        </Group>
      </Stack>
    </AppModal>
  );
}
