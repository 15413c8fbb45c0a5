import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CAPTION_TRACKS } from '../src/contract/captions.ts';
import { insertCaption } from '../src/data/captions.repo.ts';
import { SLUG_MISSES_PER_MINUTE } from '../src/http/routes/public.ts';
import { createSlugSealer } from '../src/infra/slug-sealer.ts';
import {
  createWorkspace,
  dialects,
  joinAs,
  ORIGIN,
  signUp,
  startTestApp,
  type TestApp,
  useAdminWorkspace,
} from './harness.ts';
import { startTcpProxy } from './tcp-proxy.ts';
import { createVideoItem, fixture, uploadedVideo } from './video-helpers.ts';

const VTT = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello\n\n00:00:01.000 --> 00:00:02.000\nWorld\n';

describe.each(dialects)('Share Pages and public pages on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect, { seats: 10 });
  const api = (method: string, url: string, cookie: string | null, body?: unknown) =>
    fx.app.request({ method, url, cookie, body });
  /** A visitor: no session, from `ip`, with the given cookie header. */
  const visit = (
    url: string,
    opts: {
      cookie?: string;
      ip?: string;
      method?: 'GET' | 'POST' | 'HEAD';
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ) =>
    fx.app.troupe.server.inject({
      method: opts.method ?? 'GET',
      url,
      remoteAddress: opts.ip ?? '203.0.113.9',
      headers: {
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
    });
  const patch = (itemId: string, body: unknown, cookie = fx.admin.cookie) =>
    api('PATCH', `/api/items/${itemId}/share-page`, cookie, body);
  const publish = async (itemId: string, extra: Record<string, unknown> = {}) => {
    const res = await patch(itemId, { published: true, ...extra });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { slug: string; url: string; embedUrl: string; views: number };
  };
  const unlockCookie = (res: { headers: Record<string, unknown> }) => {
    const raw = res.headers['set-cookie'] as string | undefined;
    if (!raw) throw new Error('no unlock cookie');
    return raw.split(';')[0] as string;
  };

  it('publishes a video under a random URL that anyone can watch without signing in', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id, 'Launch film');
    const before = await api('GET', `/api/items/${item.id}/share-page`, fx.admin.cookie);
    expect(before.json()).toMatchObject({
      published: false,
      slug: null,
      url: null,
      hasPassword: false,
      views: 0,
      hasVideo: true,
    });
    const page = await publish(item.id);
    // 128 random bits, base64url.
    expect(page.slug).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(page.url).toBe(`${ORIGIN}/v/${page.slug}`);
    expect(page.embedUrl).toBe(`${ORIGIN}/embed/${page.slug}`);

    const data = await visit(`/api/public/videos/${page.slug}`);
    expect(data.statusCode).toBe(200);
    expect(data.headers['cache-control']).toBe('no-store');
    expect(data.json()).toMatchObject({
      locked: false,
      title: 'Launch film',
      durationMs: 2000,
      width: 160,
      height: 90,
      fileUrl: `/api/public/videos/${page.slug}/file`,
      downloadUrl: null,
      captions: [],
    });
    const range = await visit(`/api/public/videos/${page.slug}/file`, { headers: { range: 'bytes=0-9' } });
    expect(range.statusCode).toBe(206);
    expect(range.rawPayload.equals(fixture('tiny.mp4').subarray(0, 10))).toBe(true);
    expect(range.headers['cache-control']).toBe('no-store');
    // Public views are counted; the workspace's own plays in the app are not.
    await api('GET', `/api/items/${item.id}/file`, fx.admin.cookie);
    await visit(`/api/public/videos/${page.slug}`);
    expect((await api('GET', `/api/items/${item.id}/share-page`, fx.admin.cookie)).json().views).toBe(2);
    // Counted in memory, written in batches: the row catches up, and the total stays the same.
    await fx.app.troupe.views.flush();
    const row = await fx.app.troupe.data.db
      .selectFrom('share_pages')
      .select('views')
      .where('item_id', '=', item.id)
      .executeTakeFirstOrThrow();
    expect(Number(row.views)).toBe(2);
    expect((await api('GET', `/api/items/${item.id}/share-page`, fx.admin.cookie)).json().views).toBe(2);
  });

  it('unpublishing kills the URL at once, mid-playback too; publishing again makes a new URL', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const { slug } = await publish(item.id);
    const file = `/api/public/videos/${slug}/file`;
    expect((await visit(file, { headers: { range: 'bytes=0-99' } })).statusCode).toBe(206);
    expect((await patch(item.id, { published: false })).json()).toMatchObject({
      published: false,
      url: null,
    });
    // The player's next range request.
    const next = await visit(file, { headers: { range: 'bytes=100-199' } });
    expect(next.statusCode).toBe(404);
    expect((await visit(`/api/public/videos/${slug}`)).statusCode).toBe(404);
    expect((await visit(`/v/${slug}`)).statusCode).toBe(404);
    const again = await publish(item.id);
    expect(again.slug).not.toBe(slug);
    expect((await visit(file)).statusCode).toBe(404);
    expect((await visit(`/api/public/videos/${again.slug}/file`)).statusCode).toBe(200);
  });

  it('missing, unpublished, expired and never-existing slugs all answer the same 404', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const { slug } = await publish(item.id);
    const expiring = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id, 'Expiring');
    const exp = await publish(expiring.item.id, {
      expiresAt: new Date(fx.app.clock.now() + 60_000).toISOString(),
    });
    await patch(item.id, { published: false });
    fx.app.clock.advance(61_000);
    const bodies: unknown[] = [];
    for (const s of [slug, exp.slug, 'AAAAAAAAAAAAAAAAAAAAAA', 'x']) {
      for (const path of [
        `/api/public/videos/${s}`,
        `/api/public/videos/${s}/file`,
        `/api/public/videos/${s}/poster`,
      ]) {
        const res = await visit(path);
        expect(res.statusCode, path).toBe(404);
        const { requestId: _, ...rest } = res.json();
        bodies.push(rest);
      }
      const html = await visit(`/v/${s}`);
      expect(html.statusCode).toBe(404);
      expect(html.body).toContain('This video is not available');
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    // Expiry is shown to the owner; moving it on brings the page back.
    expect(
      (await api('GET', `/api/items/${expiring.item.id}/share-page`, fx.admin.cookie)).json(),
    ).toMatchObject({
      published: true,
      expired: true,
    });
    await patch(expiring.item.id, { expiresAt: null });
    expect((await visit(`/api/public/videos/${exp.slug}`)).statusCode).toBe(200);
    const past = await patch(expiring.item.id, {
      expiresAt: new Date(fx.app.clock.now() - 1000).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([{ path: 'expiresAt', message: 'Must be in the future' }]);
  });

  it('a password locks the page; the unlock is a cookie for that video and that password only', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id, 'Secret cut');
    const other = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id, 'Other cut');
    const { slug } = await publish(item.id, { password: 'open sesame' });
    const otherPage = await publish(other.item.id, { password: 'open sesame' });
    expect((await api('GET', `/api/items/${item.id}/share-page`, fx.admin.cookie)).json().hasPassword).toBe(
      true,
    );
    const row = await fx.app.troupe.data.db
      .selectFrom('share_pages')
      .select('password_hash')
      .where('item_id', '=', item.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const locked = await visit(`/api/public/videos/${slug}`);
    expect(locked.json()).toMatchObject({ locked: true, title: null, fileUrl: null, captions: [] });
    const html = await visit(`/v/${slug}`);
    expect(html.body).not.toContain('Secret cut');
    expect(html.body).toContain('Password-protected video');
    const denied = await visit(`/api/public/videos/${slug}/file`);
    expect(denied.statusCode).toBe(401);
    expect(denied.json().code).toBe('password_required');

    const wrong = await visit(`/api/public/videos/${slug}/unlock`, {
      method: 'POST',
      body: { password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'invalid_password', detail: 'That password is not right' });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    // An unknown link answers exactly the same.
    const unknown = await visit('/api/public/videos/AAAAAAAAAAAAAAAAAAAAAA/unlock', {
      method: 'POST',
      body: { password: 'nope' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().detail).toBe(wrong.json().detail);

    const right = await visit(`/api/public/videos/${slug}/unlock`, {
      method: 'POST',
      body: { password: 'open sesame' },
    });
    expect(right.statusCode).toBe(200);
    const setCookie = right.headers['set-cookie'] as string;
    expect(setCookie).toMatch(new RegExp(`^troupe_unlock_${item.id}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Max-Age=14400');
    const cookie = unlockCookie(right);
    expect((await visit(`/api/public/videos/${slug}`, { cookie })).json()).toMatchObject({
      locked: false,
      title: 'Secret cut',
    });
    expect(
      (await visit(`/api/public/videos/${slug}/file`, { cookie, headers: { range: 'bytes=0-1' } }))
        .statusCode,
    ).toBe(206);
    // The unlock of one video is no unlock of another, under either name.
    expect((await visit(`/api/public/videos/${otherPage.slug}`, { cookie })).json().locked).toBe(true);
    const swapped = `troupe_unlock_${other.item.id}=${cookie.split('=')[1]}`;
    expect((await visit(`/api/public/videos/${otherPage.slug}`, { cookie: swapped })).json().locked).toBe(
      true,
    );
    // Tampered or expired unlocks are no unlocks.
    const tampered = cookie.replace(/\.(\d+)\./, (_m, v) => `.${Number(v) + 1}.`);
    expect((await visit(`/api/public/videos/${slug}`, { cookie: tampered })).json().locked).toBe(true);
    fx.app.clock.advance(4 * 3600_000 + 1000);
    expect((await visit(`/api/public/videos/${slug}`, { cookie })).json().locked).toBe(true);
  });

  it('changing or removing the password ends every earlier unlock', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const { slug } = await publish(item.id, { password: 'first password' });
    const unlock = async (password: string) =>
      unlockCookie(await visit(`/api/public/videos/${slug}/unlock`, { method: 'POST', body: { password } }));
    const first = await unlock('first password');
    expect((await visit(`/api/public/videos/${slug}`, { cookie: first })).json().locked).toBe(false);

    expect((await patch(item.id, { password: 'second password' })).json().hasPassword).toBe(true);
    expect((await visit(`/api/public/videos/${slug}`, { cookie: first })).json().locked).toBe(true);
    expect((await visit(`/api/public/videos/${slug}/file`, { cookie: first })).statusCode).toBe(401);
    const wrongOld = await visit(`/api/public/videos/${slug}/unlock`, {
      method: 'POST',
      body: { password: 'first password' },
    });
    expect(wrongOld.statusCode).toBe(401);
    const second = await unlock('second password');

    expect((await patch(item.id, { password: null })).json().hasPassword).toBe(false);
    expect((await visit(`/api/public/videos/${slug}`)).json().locked).toBe(false);
    // No password: unlocking is a no-op.
    const none = await visit(`/api/public/videos/${slug}/unlock`, {
      method: 'POST',
      body: { password: 'x' },
    });
    expect(none.statusCode).toBe(200);
    expect(none.headers['set-cookie']).toBeUndefined();
    // A password set again does not honour an unlock of an earlier one.
    await patch(item.id, { password: 'second password' });
    expect((await visit(`/api/public/videos/${slug}`, { cookie: second })).json().locked).toBe(true);

    const audit = await api(
      'GET',
      `/api/workspaces/${fx.ws.id}/audit?action=share_page.password`,
      fx.admin.cookie,
    );
    expect(audit.json().events.map((e: { after: unknown }) => e.after)).toEqual([
      { hasPassword: true },
      { hasPassword: false },
      { hasPassword: true },
      { hasPassword: true },
    ]);
  });

  it('rate-limits wrong passwords per video and client (IPv6 by /64): 10 a minute, then 429 with Retry-After', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const { slug } = await publish(item.id, { password: 'right one' });
    const other = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const otherPage = await publish(other.item.id, { password: 'right one' });
    const attempt = (password: string, ip: string, s = slug) =>
      visit(`/api/public/videos/${s}/unlock`, { method: 'POST', body: { password }, ip });
    for (let i = 0; i < 10; i++)
      expect((await attempt(`wrong ${i}`, '2001:db8:5:6::1')).statusCode).toBe(401);
    const limited = await attempt('wrong again', '2001:db8:5:6::1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Even the right password, from anywhere in that /64.
    expect((await attempt('right one', '2001:db8:5:6:ffff::9')).statusCode).toBe(429);
    // Another client, or another video, is counted on its own.
    expect((await attempt('right one', '2001:db8:5:7::1')).statusCode).toBe(200);
    expect((await attempt('right one', '2001:db8:5:6::1', otherPage.slug)).statusCode).toBe(200);
  });

  it('downloads only when allowed; embed and page carry their own CSP, noindex and Open Graph tags', async () => {
    const { item, file } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id, 'Launch <film> & "more"');
    const jpeg = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
    await fx.app.troupe.server.inject({
      method: 'PUT',
      url: `/api/items/${item.id}/poster?fileId=${file.fileId}`,
      headers: { cookie: fx.admin.cookie, origin: ORIGIN, 'content-type': 'image/jpeg' },
      payload: jpeg,
    });
    const { slug } = await publish(item.id);
    expect((await visit(`/api/public/videos/${slug}/file?download=1`)).statusCode).toBe(403);
    await patch(item.id, { allowDownload: true });
    expect((await visit(`/api/public/videos/${slug}`)).json().downloadUrl).toBe(
      `/api/public/videos/${slug}/file?download=1`,
    );
    const dl = await visit(`/api/public/videos/${slug}/file?download=1`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="launch.mp4"/);
    const poster = await visit(`/api/public/videos/${slug}/poster`);
    expect(poster.statusCode).toBe(200);
    expect(poster.rawPayload.equals(jpeg)).toBe(true);

    const page = await visit(`/v/${slug}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self';");
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.body).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(page.body).toContain(
      '<meta property="og:title" content="Launch &lt;film&gt; &amp; &quot;more&quot;">',
    );
    expect(page.body).toContain(
      `<meta property="og:image" content="${ORIGIN}/api/public/videos/${slug}/poster">`,
    );
    expect(page.body).not.toMatch(/<script>|<script [^>]*>[^<]/);

    const embed = await visit(`/embed/${slug}`);
    expect(embed.statusCode).toBe(200);
    expect(embed.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(embed.headers['x-frame-options']).toBeUndefined();
    // Every other page of the app still refuses framing.
    const app = await visit('/api/me');
    expect(app.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('captions: at most MAX_CAPTION_TRACKS a video (each is listed on its public page): the next is 409', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const now = Date.now();
    for (let i = 0; i < MAX_CAPTION_TRACKS - 1; i++) {
      await insertCaption(fx.app.troupe.data.db, {
        id: `cap${String(i).padStart(22, '0')}`,
        itemId: item.id,
        workspaceId: fx.ws.id,
        language: `en-x-t${i}`,
        label: `Track ${i}`,
        vtt: VTT,
        createdAt: now,
        updatedAt: now,
      });
    }
    const add = (language: string) =>
      api('POST', `/api/items/${item.id}/captions`, fx.admin.cookie, {
        language,
        label: 'One more',
        vtt: VTT,
      });
    // Two at once for the last place: one gets it.
    const both = await Promise.all([add('fr'), add('de')]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const over = both.find((r) => r.statusCode === 409) ?? both[0];
    expect(over.json()).toMatchObject({ code: 'conflict' });
    expect(over.json().detail).toContain(`at most ${MAX_CAPTION_TRACKS} caption tracks`);
    const list = (await api('GET', `/api/items/${item.id}/captions`, fx.admin.cookie)).json();
    expect(list.tracks).toHaveLength(MAX_CAPTION_TRACKS);
  });

  it('captions: add, list, read as text/vtt (in the app and publicly), edit, delete; bad WebVTT names the line', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const created = await api('POST', `/api/items/${item.id}/captions`, fx.admin.cookie, {
      language: 'en-us',
      label: 'English',
      vtt: VTT,
    });
    expect(created.statusCode, created.body).toBe(201);
    const track = created.json();
    expect(track).toMatchObject({
      language: 'en-US',
      label: 'English',
      vtt: VTT,
      url: `/api/items/${item.id}/captions/${track.id}/vtt`,
    });
    const text = await api('GET', track.url, fx.admin.cookie);
    expect(text.headers['content-type']).toBe('text/vtt; charset=utf-8');
    expect(text.body).toBe(VTT);

    const dup = await api('POST', `/api/items/${item.id}/captions`, fx.admin.cookie, {
      language: 'en-US',
      label: 'Again',
      vtt: VTT,
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors).toEqual([{ path: 'language', message: 'Already has a track in en-US' }]);

    const bad = await api('POST', `/api/items/${item.id}/captions`, fx.admin.cookie, {
      language: 'fr',
      label: 'Français',
      vtt: 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nok\n\n00:00:0x.000 --> 00:00:02.000\nbad\n',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'validation',
      errors: [{ path: 'vtt', message: 'Line 6: Must be exactly two digits.' }],
    });
    expect(bad.json().detail).toContain('Line 6');
    const notVtt = await api('POST', `/api/items/${item.id}/captions`, fx.admin.cookie, {
      language: 'fr',
      label: 'Fr',
      vtt: 'hello',
    });
    expect(notVtt.json().errors[0]).toEqual({
      path: 'vtt',
      message: 'Line 1: No valid signature. (File needs to start with "WEBVTT".)',
    });
    for (const body of [
      { language: 'not a language', label: 'x', vtt: VTT },
      { language: 'fr', label: 'Fr\u202eevil', vtt: VTT },
      { language: 'fr', label: 'Fr\u0000', vtt: VTT },
      { language: 'fr', label: '', vtt: VTT },
    ]) {
      const res = await api('POST', `/api/items/${item.id}/captions`, fx.admin.cookie, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }

    const edited = await api('PUT', `/api/items/${item.id}/captions/${track.id}`, fx.admin.cookie, {
      language: 'en',
      label: 'English (edited)',
      vtt: 'WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nHi\n',
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ language: 'en', label: 'English (edited)' });
    const list = await api('GET', `/api/items/${item.id}/captions`, fx.admin.cookie);
    expect(list.json().tracks).toHaveLength(1);
    expect(list.json().nextCursor).toBeNull(); // A list as every list is (SPEC §10), answered whole.

    const { slug } = await publish(item.id);
    const pub = (await visit(`/api/public/videos/${slug}`)).json();
    expect(pub.captions).toEqual([
      {
        id: track.id,
        language: 'en',
        label: 'English (edited)',
        url: `/api/public/videos/${slug}/captions/${track.id}`,
      },
    ]);
    const pubText = await visit(pub.captions[0].url);
    expect(pubText.body).toContain('Hi');
    await patch(item.id, { password: 'caption lock' });
    expect((await visit(pub.captions[0].url)).statusCode).toBe(401);

    expect(
      (await api('DELETE', `/api/items/${item.id}/captions/${track.id}`, fx.admin.cookie)).statusCode,
    ).toBe(204);
    expect((await api('GET', `/api/items/${item.id}/captions`, fx.admin.cookie)).json().tracks).toEqual([]);
    expect(
      (await api('DELETE', `/api/items/${item.id}/captions/${track.id}`, fx.admin.cookie)).statusCode,
    ).toBe(404);
  });

  it('Viewers cannot change the Share Page or captions (403); editors can; others get 404', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const viewer = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer', 'Vic Viewer');
    const editor = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Ed Editor');
    const outsider = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Otto Outside');
    expect((await patch(item.id, { published: true }, outsider.cookie)).statusCode).toBe(404);
    expect((await api('GET', `/api/items/${item.id}/share-page`, outsider.cookie)).statusCode).toBe(404);
    await api('PUT', `/api/items/${item.id}/grants/${viewer.userId}`, fx.admin.cookie, {
      permission: 'edit',
    });
    await api('PUT', `/api/items/${item.id}/grants/${editor.userId}`, fx.admin.cookie, {
      permission: 'edit',
    });

    expect((await api('GET', `/api/items/${item.id}/share-page`, viewer.cookie)).statusCode).toBe(200);
    const denied = await patch(item.id, { published: true }, viewer.cookie);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().detail).toMatch(/Viewers/);
    expect((await patch(item.id, { password: 'viewer pass' }, viewer.cookie)).statusCode).toBe(403);
    expect(
      (
        await api('POST', `/api/items/${item.id}/captions`, viewer.cookie, {
          language: 'en',
          label: 'E',
          vtt: VTT,
        })
      ).statusCode,
    ).toBe(403);
    expect((await api('GET', `/api/items/${item.id}/captions`, viewer.cookie)).statusCode).toBe(200);
    expect((await patch(item.id, { published: true, allowDownload: true }, editor.cookie)).statusCode).toBe(
      200,
    );
    expect(
      (
        await api('POST', `/api/items/${item.id}/captions`, editor.cookie, {
          language: 'en',
          label: 'E',
          vtt: VTT,
        })
      ).statusCode,
    ).toBe(201);
    // Nothing is published for a video without a file, and only videos have Share Pages.
    const empty = await createVideoItem(fx.app, fx.admin.cookie, fx.ws.id, 'No file yet');
    const refused = await patch(empty.id, { published: true });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toBe('Upload a video before publishing it');
    const folder = await api('POST', `/api/workspaces/${fx.ws.id}/items`, fx.admin.cookie, {
      kind: 'folder',
      title: 'F',
    });
    expect((await patch(folder.json().id, { published: true })).statusCode).toBe(409);
    expect((await patch(item.id, {})).statusCode).toBe(400);
    expect((await patch(item.id, { password: 'abc' })).json().errors[0].path).toBe('password');
  });

  it('an API key from another workspace gets 404 on the Share Page and captions', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const other = await createWorkspace(fx.app, fx.admin.cookie, 'Elsewhere');
    const key = (
      await api('POST', `/api/workspaces/${other.id}/api-keys`, fx.admin.cookie, { name: 'k' })
    ).json().key as string;
    const own = (
      await api('POST', `/api/workspaces/${fx.ws.id}/api-keys`, fx.admin.cookie, { name: 'k' })
    ).json().key as string;
    const withKey = (k: string, method: 'GET' | 'PATCH' | 'POST', url: string, body?: unknown) =>
      fx.app.troupe.server.inject({
        method,
        url,
        headers: { authorization: `Bearer ${k}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      });
    expect((await withKey(key, 'GET', `/api/items/${item.id}/share-page`)).statusCode).toBe(404);
    expect(
      (await withKey(key, 'PATCH', `/api/items/${item.id}/share-page`, { published: true })).statusCode,
    ).toBe(404);
    expect(
      (await withKey(key, 'POST', `/api/items/${item.id}/captions`, { language: 'en', label: 'E', vtt: VTT }))
        .statusCode,
    ).toBe(404);
    expect(
      (await withKey(own, 'PATCH', `/api/items/${item.id}/share-page`, { published: true })).statusCode,
    ).toBe(200);
  });

  it('a link sealed under another AUTH_SECRET is shown as no link; publishing again makes a new one', async () => {
    // A backup restored on a node with another secret: its sealed slug no longer opens.
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const { slug } = await publish(item.id);
    const other = createSlugSealer('the secret of the node the backup was made on');
    await fx.app.troupe.data.db
      .updateTable('share_pages')
      .set({ slug_sealed: other.seal(slug), slug_hash: other.lookup(slug) })
      .where('item_id', '=', item.id)
      .execute();
    const noLink = {
      published: false,
      slug: null,
      url: null,
      embedUrl: null,
      publishedAt: null,
      expired: false,
      hasVideo: true,
    };
    const read = await api('GET', `/api/items/${item.id}/share-page`, fx.admin.cookie);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject(noLink);
    // Nobody reaches the page by the old link either.
    expect((await visit(`/api/public/videos/${slug}`)).statusCode).toBe(404);
    // Other changes work, and leave it without a link.
    const password = await patch(item.id, { password: 'abcd1234' });
    expect(password.statusCode, password.body).toBe(200);
    expect(password.json()).toMatchObject({ ...noLink, hasPassword: true });
    // "Publish them again": the row still holds the old hash, and publishing replaces it.
    const again = await patch(item.id, { published: true });
    expect(again.statusCode, again.body).toBe(200);
    const fresh = again.json();
    expect(fresh).toMatchObject({ published: true, hasPassword: true });
    expect(fresh.slug).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fresh.slug).not.toBe(slug);
    expect(fresh.url).toBe(`${ORIGIN}/v/${fresh.slug}`);
    expect((await visit(`/api/public/videos/${fresh.slug}`)).json()).toMatchObject({ locked: true });
    expect((await api('GET', `/api/items/${item.id}/share-page`, fx.admin.cookie)).json().slug).toBe(
      fresh.slug,
    );
    // A damaged sealed value is no link either.
    await fx.app.troupe.data.db
      .updateTable('share_pages')
      .set({ slug_sealed: 'AAAA' })
      .where('item_id', '=', item.id)
      .execute();
    expect((await api('GET', `/api/items/${item.id}/share-page`, fx.admin.cookie)).json()).toMatchObject(
      noLink,
    );
  });

  it('a caption language is at most 35 characters once canonical (sh is sr-Latn)', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const post = (language: string) =>
      api('POST', `/api/items/${item.id}/captions`, fx.admin.cookie, { language, label: 'L', vtt: VTT });
    // 34 characters as sent, 39 canonical.
    const long = await post('sh-x-aaaaaaaa-bbbbbbbb-cccccccc-dd');
    expect(long.statusCode, long.body).toBe(400);
    expect(long.json()).toMatchObject({ code: 'validation' });
    expect(long.json().errors).toEqual([
      { path: 'language', message: 'Must be at most 35 characters (written canonically, 39)' },
    ]);
    const short = await post('sh-x-aaaaaaaa-bbbbbbbb-ccccc');
    expect(short.statusCode, short.body).toBe(201);
    expect(short.json().language).toBe('sr-Latn-x-aaaaaaaa-bbbbbbbb-ccccc');
    const edit = await api('PUT', `/api/items/${item.id}/captions/${short.json().id}`, fx.admin.cookie, {
      language: 'sh-x-aaaaaaaa-bbbbbbbb-cccccccc-dd',
      label: 'L',
      vtt: VTT,
    });
    expect(edit.statusCode).toBe(400);
    expect(edit.json().errors[0].path).toBe('language');
  });

  it('two tracks in one language at once: one is added, the other answers 409', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const post = (language: string, label: string) =>
      api('POST', `/api/items/${item.id}/captions`, fx.admin.cookie, { language, label, vtt: VTT });
    for (const language of ['de', 'fr', 'it']) {
      const both = await Promise.all([post(language, 'A'), post(language, 'B')]);
      expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    }
    if (dialect !== 'postgres') return;
    // Deterministic on PostgreSQL: another transaction inserts the language and holds it
    // uncommitted, so the request passes its check and waits on the unique index; the other
    // transaction then commits and the request's write fails (23505).
    const db = fx.app.troupe.data.db;
    const blockedInserts = async () =>
      Number(
        (
          await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'
            and query ~* '^(insert into|update) "caption_tracks"'`.execute(db)
        ).rows[0]?.n,
      );
    const whileHeld = async (
      language: string,
      request: () => Promise<{ statusCode: number; body: string }>,
    ) => {
      let answer: Promise<{ statusCode: number; body: string }> | undefined;
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('caption_tracks')
          .values({
            id: `held-${language}`,
            item_id: item.id,
            workspace_id: fx.ws.id,
            language,
            label: 'Held',
            vtt: VTT,
            created_at: 1,
            updated_at: 1,
          })
          .execute();
        // inject() sends when its answer is awaited: start it now.
        answer = Promise.resolve(request());
        for (let i = 0; (await blockedInserts()) === 0; i++) {
          if (i > 500) throw new Error('the request never waited on the unique index');
          await new Promise((r) => setTimeout(r, 10));
        }
      });
      return answer as Promise<{ statusCode: number; body: string }>;
    };
    const created = await whileHeld('es', () => post('es', 'Late'));
    expect(created.statusCode, created.body).toBe(409);
    expect(JSON.parse(created.body).errors).toEqual([
      { path: 'language', message: 'Already has a track in es' },
    ]);
    // Renaming a track's language into a race too.
    const de = (await api('GET', `/api/items/${item.id}/captions`, fx.admin.cookie)).json().tracks[0];
    const moved = await whileHeld('pt', () =>
      api('PUT', `/api/items/${item.id}/captions/${de.id}`, fx.admin.cookie, {
        language: 'pt',
        label: 'Moved',
        vtt: VTT,
      }),
    );
    expect(moved.statusCode, moved.body).toBe(409);
    const languages = (await api('GET', `/api/items/${item.id}/captions`, fx.admin.cookie))
      .json()
      .tracks.map((t: { language: string }) => t.language)
      .sort();
    expect(languages).toEqual(['de', 'es', 'fr', 'it', 'pt']);
  });

  it('HEAD requests count no view: only a GET of the page data does', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const { slug } = await publish(item.id);
    for (let i = 0; i < 5; i++) {
      for (const url of [`/api/public/videos/${slug}`, `/v/${slug}`, `/embed/${slug}`]) {
        const head = await visit(url, { method: 'HEAD' });
        expect(head.statusCode, url).toBe(200);
        expect(head.body).toBe('');
      }
    }
    const views = async () => {
      await fx.app.troupe.views.flush();
      return (await api('GET', `/api/items/${item.id}/share-page`, fx.admin.cookie)).json().views;
    };
    expect(await views()).toBe(0);
    expect((await visit(`/api/public/videos/${slug}`)).statusCode).toBe(200);
    expect(await views()).toBe(1);
  });

  it('limits each client to 60 answers for links that do not work a minute; watching a real link is never counted', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const { slug } = await publish(item.id);
    const track = (
      await api('POST', `/api/items/${item.id}/captions`, fx.admin.cookie, {
        language: 'en',
        label: 'E',
        vtt: VTT,
      })
    ).json();
    const viewer = '192.0.2.10';
    // A viewer's page load, then a long watch: many range requests, all answered.
    for (const url of [
      `/v/${slug}`,
      `/embed/${slug}`,
      `/api/public/videos/${slug}`,
      `/api/public/videos/${slug}/captions/${track.id}`,
    ]) {
      expect((await visit(url, { ip: viewer })).statusCode, url).toBe(200);
    }
    for (let i = 0; i < 200; i++) {
      const res = await visit(`/api/public/videos/${slug}/file`, {
        ip: viewer,
        headers: { range: `bytes=${i}-${i + 9}` },
      });
      expect(res.statusCode).toBe(206);
    }
    expect((await visit(`/api/public/videos/${slug}`, { ip: viewer })).statusCode).toBe(200);

    // A guesser: every route that takes a slug counts its 404s together (IPv6 by /64).
    const guesser = (n: number) => `2001:db8:9:9::${(n % 9) + 1}`;
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const guess = `NoSuchLink${String(i).padStart(12, '0')}`;
      const url = [
        `/api/public/videos/${guess}`,
        `/api/public/videos/${guess}/file`,
        `/api/public/videos/${guess}/poster`,
        `/api/public/videos/${guess}/captions/${track.id}`,
        `/v/${guess}`,
        `/embed/${guess}`,
      ][i % 6] as string;
      statuses.push((await visit(url, { ip: guesser(i) })).statusCode);
    }
    expect(statuses.slice(0, SLUG_MISSES_PER_MINUTE).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(SLUG_MISSES_PER_MINUTE).every((s) => s === 429)).toBe(true);
    const limited = await visit('/api/public/videos/NoSuchLinkAtAll0000000', { ip: guesser(0) });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Over the limit a real link is refused too, or a hit would stand out among the refusals.
    expect((await visit(`/api/public/videos/${slug}`, { ip: guesser(1) })).statusCode).toBe(429);
    expect((await visit(`/v/${slug}`, { ip: guesser(1) })).statusCode).toBe(429);
    // Guessing through the unlock (401 for links that do not exist) is counted as well.
    const unlocker = '198.51.100.77';
    for (let i = 0; i < SLUG_MISSES_PER_MINUTE; i++) {
      const url =
        i % 10 === 0 ? `/api/public/videos/NoSuchLink${i}/unlock` : `/api/public/videos/NoSuchLink${i}`;
      const res = await visit(
        url,
        i % 10 === 0 ? { ip: unlocker, method: 'POST', body: { password: 'guess' } } : { ip: unlocker },
      );
      expect(res.statusCode).toBe(i % 10 === 0 ? 401 : 404);
    }
    expect((await visit(`/api/public/videos/${slug}`, { ip: unlocker })).statusCode).toBe(429);
    // Other clients are counted on their own; the viewer still watches.
    expect(
      (await visit('/api/public/videos/NoSuchLinkAtAll0000000', { ip: '2001:db8:9:a::1' })).statusCode,
    ).toBe(404);
    expect(
      (await visit(`/api/public/videos/${slug}/file`, { ip: viewer, headers: { range: 'bytes=0-1' } }))
        .statusCode,
    ).toBe(206);
  });
});

describe.each(dialects)('public links at rest on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect);
  it('the database holds no working link: only the slug’s HMAC and the slug sealed with a key outside it', async () => {
    const { item } = await uploadedVideo(fx.app, fx.admin.cookie, fx.ws.id);
    const res = await fx.app.request({
      method: 'PATCH',
      url: `/api/items/${item.id}/share-page`,
      cookie: fx.admin.cookie,
      body: { published: true },
    });
    const slug = res.json().slug as string;
    const row = await fx.app.troupe.data.db
      .selectFrom('share_pages')
      .selectAll()
      .where('item_id', '=', item.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(slug);
    expect(row.slug_hash).toMatch(/^[0-9a-f]{64}$/);
    // The owner sees the same link on every read.
    const again = await fx.app.request({
      method: 'GET',
      url: `/api/items/${item.id}/share-page`,
      cookie: fx.admin.cookie,
    });
    expect(again.json().slug).toBe(slug);
    // Whoever has the stored values cannot use them as a link.
    for (const stored of [row.slug_hash, row.slug_sealed]) {
      expect(
        (await fx.app.troupe.server.inject({ method: 'GET', url: `/api/public/videos/${stored}` }))
          .statusCode,
      ).toBeGreaterThanOrEqual(400);
    }
  });
});

/** With REDIS_URL the misses of public links are counted in Redis, across nodes (a read, then a count). */
describe.skipIf(!process.env.TEST_REDIS_URL)('public link misses counted through Redis', () => {
  const redisUrl = process.env.TEST_REDIS_URL as string;
  const prefix = `troupe-test-${randomBytes(6).toString('hex')}:`;
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts one client’s misses across two servers, then refuses it on either', async () => {
    for (let i = 0; i < 2; i++) {
      apps.push(await startTestApp('sqlite', { env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix } }));
    }
    const [a, b] = apps as [TestApp, TestApp];
    const miss = (app: TestApp, i: number, ip = '203.0.113.50') =>
      app.troupe.server.inject({
        method: 'GET',
        url: `/api/public/videos/NoSuchLink${i}`,
        remoteAddress: ip,
      });
    const statuses: number[] = [];
    for (let i = 0; i < SLUG_MISSES_PER_MINUTE; i++) statuses.push((await miss(i % 2 ? a : b, i)).statusCode);
    expect(statuses).toEqual(Array(SLUG_MISSES_PER_MINUTE).fill(404));
    for (const app of [a, b]) {
      const limited = await miss(app, 999);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect((await miss(a, 1000, '203.0.113.51')).statusCode).toBe(404);
  });

  it('fails open: while Redis is down, a published video still plays and unknown links answer 404', async () => {
    const redis = new URL(redisUrl);
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) }, port);
    try {
      const app = await startTestApp('sqlite', {
        env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_KEY_PREFIX: prefix },
      });
      apps.push(app);
      const admin = await signUp(app, { name: 'Ada Admin' });
      const ws = await createWorkspace(app, admin.cookie, 'Studio');
      const { item } = await uploadedVideo(app, admin.cookie, ws.id);
      const { slug } = (
        await app.request({
          method: 'PATCH',
          url: `/api/items/${item.id}/share-page`,
          cookie: admin.cookie,
          body: { published: true },
        })
      ).json();
      await proxy.down();
      const visit = (url: string, headers: Record<string, string> = {}) =>
        app.troupe.server.inject({ method: 'GET', url, remoteAddress: '203.0.113.60', headers });
      expect((await visit(`/api/public/videos/${slug}`)).statusCode).toBe(200);
      expect((await visit(`/api/public/videos/${slug}/file`, { range: 'bytes=0-9' })).statusCode).toBe(206);
      expect((await visit('/api/public/videos/NoSuchLinkDuringOutage')).statusCode).toBe(404);
    } finally {
      await proxy.close();
    }
  }, 30_000);
});
