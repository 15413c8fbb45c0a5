import { Alert, Button, FileButton, Group, Progress, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconUpload, IconX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { VideoFile } from '../../../../src/contract/index.ts';
import { ApiError, api, errorMessage, type Upload, uploadFile } from '../../lib/api.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { capturePoster } from './poster.ts';

const TYPES: Record<string, string> = { mp4: 'video/mp4', webm: 'video/webm' };

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(n % 1024 ** 3 === 0 ? 0 : 1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(n / 1024))} KB`;
}

/** What the server would refuse, said before sending a byte. */
function refusal(file: File, maxBytes: number): string | null {
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  const type = TYPES[ext] ?? (Object.values(TYPES).includes(file.type) ? file.type : null);
  if (!type) return `“${file.name}” is not an MP4 or WebM video.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > maxBytes)
    return `“${file.name}” is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`;
  return null;
}

/**
 * Choose an MP4 or WebM; it uploads with a progress bar and a Cancel button. Once stored, a frame
 * is captured in the browser and sent as the poster.
 */
export function UploadPanel({
  itemId,
  maxBytes,
  hasFile,
  canEdit,
}: {
  itemId: string;
  maxBytes: number;
  hasFile: boolean;
  canEdit: boolean;
}) {
  const qc = useQueryClient();
  const [progress, setProgress] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const upload = useRef<Upload<VideoFile> | null>(null);
  const resetRef = useRef<() => void>(null);

  const start = async (file: File | null) => {
    resetRef.current?.();
    if (!file) return;
    const refused = refusal(file, maxBytes);
    setError(refused);
    if (refused) return;
    setName(file.name);
    setProgress(0);
    const type = TYPES[file.name.split('.').pop()?.toLowerCase() ?? ''] ?? file.type;
    const current = uploadFile<VideoFile>(
      `/api/items/${encodeURIComponent(itemId)}/file?filename=${encodeURIComponent(file.name)}`,
      file,
      type,
      setProgress,
    );
    upload.current = current;
    try {
      const stored = await current.done;
      setProgress(1);
      const frame = await capturePoster(file);
      if (frame) await api.videos.putPoster(itemId, stored.fileId, frame).catch(() => undefined);
      notifySuccess('Video uploaded', file.name);
    } catch (err) {
      if (!(err instanceof ApiError && err.detail === 'Upload cancelled')) setError(errorMessage(err));
    } finally {
      upload.current = null;
      setProgress(null);
      await qc.invalidateQueries({ queryKey: queryKeys.video(itemId) });
      await qc.invalidateQueries({ queryKey: queryKeys.sharePage(itemId) });
    }
  };

  if (!canEdit) return null;
  return (
    <Stack gap="xs" data-testid="upload-panel">
      {progress !== null ? (
        <Stack gap={6}>
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm" truncate="end" style={{ minWidth: 0 }}>
              {progress < 1 ? `Uploading ${name}…` : `Checking ${name}…`}
            </Text>
            <Text size="sm" c="dimmed" style={{ flex: 'none' }}>
              {Math.round(progress * 100)}%
            </Text>
          </Group>
          <Progress
            value={progress * 100}
            animated={progress >= 1}
            aria-label="Upload progress"
            data-testid="upload-progress"
          />
          <Group justify="flex-end">
            <Button
              size="xs"
              variant="default"
              leftSection={<IconX size={14} />}
              onClick={() => upload.current?.cancel()}
            >
              Cancel upload
            </Button>
          </Group>
        </Stack>
      ) : (
        <Group gap="sm">
          <FileButton
            onChange={(f) => void start(f)}
            accept="video/mp4,video/webm,.mp4,.webm"
            resetRef={resetRef}
          >
            {(props) => (
              <Button
                {...props}
                leftSection={<IconUpload size={16} />}
                variant={hasFile ? 'default' : 'filled'}
              >
                {hasFile ? 'Replace video' : 'Upload video'}
              </Button>
            )}
          </FileButton>
          <Text size="xs" c="dimmed">
            MP4 or WebM, up to {formatBytes(maxBytes)}
          </Text>
        </Group>
      )}
      {error ? (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle size={18} />}
          role="alert"
          withCloseButton
          onClose={() => setError(null)}
        >
          {error}
        </Alert>
      ) : null}
    </Stack>
  );
}
