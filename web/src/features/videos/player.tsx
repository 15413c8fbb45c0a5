import {
  MediaControlBar,
  MediaController,
  MediaFullscreenButton,
  MediaMuteButton,
  MediaPlayButton,
  MediaTimeDisplay,
  MediaTimeRange,
  MediaVolumeRange,
} from 'media-chrome/react';
import {
  MediaCaptionsMenu,
  MediaCaptionsMenuButton,
  MediaPlaybackRateMenu,
  MediaPlaybackRateMenuButton,
} from 'media-chrome/react/menu';
import classes from './videos.module.css';

export interface PlayerTrack {
  id: string;
  language: string;
  label: string;
  url: string;
}

/**
 * The video player (media-chrome): play, seek, time, volume, captions menu, speed, fullscreen, and
 * its keyboard shortcuts (space/k, arrows, f, m, c). Captions are `<track>`s of the video element.
 */
export function Player({
  src,
  poster,
  width,
  height,
  tracks,
}: {
  src: string;
  poster: string | null;
  width: number;
  height: number;
  tracks: PlayerTrack[];
}) {
  return (
    <MediaController
      className={classes.player}
      style={{ aspectRatio: `${width} / ${height}` }}
      data-testid="player"
    >
      {/* biome-ignore lint/a11y/useMediaCaption: the captions are the <track>s below, one per caption track */}
      <video
        slot="media"
        src={src}
        poster={poster ?? undefined}
        preload="metadata"
        playsInline
        data-testid="video"
      >
        {tracks.map((t) => (
          <track key={t.id} kind="subtitles" srcLang={t.language} label={t.label} src={t.url} />
        ))}
      </video>
      <MediaCaptionsMenu hidden anchor="auto" />
      <MediaPlaybackRateMenu hidden anchor="auto" />
      <MediaControlBar className={classes.controls}>
        <MediaPlayButton />
        <MediaTimeRange />
        <MediaTimeDisplay showDuration />
        <MediaMuteButton />
        <MediaVolumeRange className={classes.volume} />
        <MediaCaptionsMenuButton />
        <MediaPlaybackRateMenuButton />
        <MediaFullscreenButton />
      </MediaControlBar>
    </MediaController>
  );
}
