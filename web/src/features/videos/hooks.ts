import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CaptionTrackBody, SharePage, UpdateSharePageBody } from '../../../../src/contract/index.ts';
import { api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

export const useVideo = (id: string) =>
  useQuery({ queryKey: queryKeys.video(id), queryFn: () => api.videos.get(id) });

export const useSharePage = (id: string) =>
  useQuery({ queryKey: queryKeys.sharePage(id), queryFn: () => api.videos.sharePage(id) });

export const useCaptions = (id: string) =>
  useQuery({ queryKey: queryKeys.captions(id), queryFn: () => api.videos.captions(id) });

export function useUpdateSharePage(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateSharePageBody) => api.videos.updateSharePage(id, body),
    onSuccess: (page: SharePage) => qc.setQueryData(queryKeys.sharePage(id), page),
  });
}

export function useCaptionChanges(id: string) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: queryKeys.captions(id) });
  return {
    add: useMutation({
      mutationFn: (body: CaptionTrackBody) => api.videos.addCaption(id, body),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ trackId, body }: { trackId: string; body: CaptionTrackBody }) =>
        api.videos.updateCaption(id, trackId, body),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (trackId: string) => api.videos.removeCaption(id, trackId),
      onSuccess: refresh,
    }),
  };
}
