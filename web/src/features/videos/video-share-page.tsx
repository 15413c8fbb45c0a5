import { Button, Group, Paper, Skeleton, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconDownload, IconMovie } from '@tabler/icons-react';
import type { Item } from '../../../../src/contract/index.ts';
import { ErrorState } from '../../ui/error-state.tsx';
import { CaptionsCard } from './captions-card.tsx';
import { useCaptions, useSharePage, useVideo } from './hooks.ts';
import { Player } from './player.tsx';
import { PublishCard } from './publish-card.tsx';
import { formatBytes, UploadPanel } from './upload-panel.tsx';

const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** The player and its file: what the item page of a video shows first. */
export function VideoPanel({ item }: { item: Item }) {
  const video = useVideo(item.id);
  const captions = useCaptions(item.id);
  if (video.isError) return <ErrorState error={video.error} onRetry={() => void video.refetch()} />;
  if (!video.data) return <Skeleton height={320} />;
  const file = video.data.file;
  return (
    <Paper withBorder p="lg">
      <Stack gap="md">
        {file ? (
          <>
            <Player
              key={file.fileId}
              src={file.url}
              poster={file.posterUrl}
              width={file.width}
              height={file.height}
              tracks={(captions.data?.tracks ?? []).map((t) => ({
                ...t,
                url: `${t.url}?v=${encodeURIComponent(t.updatedAt)}`,
              }))}
            />
            <Group justify="space-between" gap="xs">
              <Text size="sm" c="dimmed" data-testid="video-facts">
                {file.contentType === 'video/webm' ? 'WebM' : 'MP4'} · {file.width}×{file.height} ·{' '}
                {duration(file.durationMs)} · {formatBytes(file.size)}
              </Text>
              <Button
                component="a"
                href={`${file.url}?download=1`}
                size="xs"
                variant="subtle"
                leftSection={<IconDownload size={14} />}
              >
                Download
              </Button>
            </Group>
          </>
        ) : (
          <Stack align="center" gap="xs" py="xl">
            <ThemeIcon variant="light" size={52} radius="xl">
              <IconMovie size={26} stroke={1.6} />
            </ThemeIcon>
            <Text fw={600}>No video yet</Text>
            <Text size="sm" c="dimmed" ta="center">
              {item.abilities.edit
                ? 'Upload an MP4 or WebM to play, caption and publish it.'
                : 'Nothing has been uploaded yet.'}
            </Text>
          </Stack>
        )}
        <UploadPanel
          itemId={item.id}
          maxBytes={video.data.maxBytes}
          hasFile={Boolean(file)}
          canEdit={item.abilities.edit}
        />
      </Stack>
    </Paper>
  );
}

/** The Share Page's settings column: publishing, password, downloads, expiry; captions. */
export function VideoSettings({ item }: { item: Item }) {
  const page = useSharePage(item.id);
  return (
    <Stack gap="lg">
      {page.data ? (
        <PublishCard
          key={`${page.data.expiresAt}`}
          itemId={item.id}
          page={page.data}
          canShare={item.abilities.share}
        />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : (
        <Skeleton height={240} />
      )}
      <CaptionsCard itemId={item.id} canEdit={item.abilities.edit} />
    </Stack>
  );
}
