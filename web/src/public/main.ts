/**
 * The public video page (`/v/:slug`) and the embed (`/embed/:slug`): the server sends a shell
 * with the Open Graph tags; this script asks for the page's data, then shows the password form or
 * the view-only player (media-chrome: captions menu, speed, fullscreen, keyboard shortcuts) with
 * the captions as `<track>`s and the poster. No app chrome, no framework.
 */
import 'media-chrome';
import 'media-chrome/menu';
import './public.css';
import type { PublicVideo } from '../../../src/contract/share-pages.ts';

const root = document.getElementById('troupe-public') as HTMLElement;
const slug = root.dataset.slug ?? '';
const mode = root.dataset.mode === 'embed' ? 'embed' : 'page';
const base = `/api/public/videos/${encodeURIComponent(slug)}`;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}
const custom = (tag: string, attrs: Record<string, string> = {}, ...children: Node[]) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
};

function notAvailable() {
  root.replaceChildren(
    el(
      'div',
      { class: 'notice' },
      el('h1', {}, 'This video is not available'),
      el('p', {}, 'The link may be wrong, or the video is no longer shared.'),
    ),
  );
}

async function load() {
  let res: Response;
  try {
    res = await fetch(base, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch {
    root.replaceChildren(
      el('p', { class: 'notice' }, 'Can’t reach the server. Check your connection and reload.'),
    );
    return;
  }
  if (!res.ok) return notAvailable();
  const video = (await res.json()) as PublicVideo;
  if (video.locked) return showLock();
  showPlayer(video);
}

function showLock() {
  const input = el('input', {
    type: 'password',
    id: 'password',
    name: 'password',
    autocomplete: 'off',
    required: '',
    maxlength: '128',
  });
  const error = el('p', { class: 'error', role: 'alert' });
  const button = el('button', { type: 'submit', class: 'button' }, 'Watch');
  const form = el(
    'form',
    { class: 'lock' },
    el('h1', {}, 'This video is password protected'),
    el('label', { for: 'password' }, 'Password'),
    input,
    error,
    el('div', { class: 'row' }, button),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!input.value) return;
    button.setAttribute('disabled', '');
    error.textContent = '';
    try {
      const res = await fetch(`${base}/unlock`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ password: input.value }),
      });
      if (res.ok) return void (await load());
      if (res.status === 429) {
        const wait = res.headers.get('retry-after');
        error.textContent = `Too many attempts. Try again in ${wait ?? 60} seconds.`;
      } else if (res.status === 401) {
        error.textContent = 'That password is not right.';
        input.select();
      } else {
        error.textContent = 'Something went wrong. Try again.';
      }
    } catch {
      error.textContent = 'Can’t reach the server. Check your connection.';
    } finally {
      button.removeAttribute('disabled');
    }
  });
  root.replaceChildren(form);
  input.focus();
}

function showPlayer(v: PublicVideo) {
  const video = el('video', {
    slot: 'media',
    src: v.fileUrl ?? '',
    preload: 'metadata',
    playsinline: '',
    controlslist: 'nodownload',
    'data-testid': 'public-video',
  });
  if (v.posterUrl) video.setAttribute('poster', v.posterUrl);
  for (const c of v.captions) {
    video.append(el('track', { kind: 'subtitles', srclang: c.language, label: c.label, src: c.url }));
  }
  // A 404 mid-playback (unpublished, expired): say so instead of a frozen frame.
  video.addEventListener(
    'error',
    () => void fetch(base, { credentials: 'same-origin' }).then((r) => (r.ok ? undefined : notAvailable())),
  );
  const controller = custom(
    'media-controller',
    { style: v.width && v.height && mode === 'page' ? `aspect-ratio: ${v.width} / ${v.height}` : '' },
    video,
    custom('media-captions-menu', { hidden: '', anchor: 'auto' }),
    custom('media-playback-rate-menu', { hidden: '', anchor: 'auto' }),
    custom(
      'media-control-bar',
      {},
      custom('media-play-button'),
      custom('media-time-range'),
      custom('media-time-display', { showduration: '' }),
      custom('media-mute-button'),
      custom('media-volume-range'),
      custom('media-captions-menu-button'),
      custom('media-playback-rate-menu-button'),
      custom('media-fullscreen-button'),
    ),
  );
  if (mode === 'embed') {
    root.replaceChildren(controller);
    return;
  }
  document.title = `${v.title ?? 'Video'} · Troupe`;
  const bar = el('div', { class: 'bar' }, el('span', {}, 'Shared with Troupe'));
  if (v.downloadUrl) bar.append(el('a', { class: 'button', href: v.downloadUrl, download: '' }, 'Download'));
  root.replaceChildren(el('h1', {}, v.title ?? ''), controller, bar);
}

void load();
