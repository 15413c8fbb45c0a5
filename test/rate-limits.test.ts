import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listRecentMail } from '../src/data/outbox.repo.ts';
import { INVITE_CALLS_PER_CLIENT } from '../src/http/routes/invitations.ts';
import { WORKSPACES_PER_CLIENT_PER_HOUR } from '../src/http/routes/workspaces.ts';
import {
  dialects,
  invitationToken,
  type SignedUp,
  signUp,
  startTestApp,
  type TestApp,
  uniqueEmail,
  verifyEmail,
} from './harness.ts';

/**
 * Per-client limits: who "the client" is (TRUST_PROXY), and the caps on sign-ups and mail sent
 * across different addresses. The limits themselves do not touch the database: SQLite only.
 */
describe('per-client rate limits', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const from = (remoteAddress: string, forwardedFor?: string) => ({
    remoteAddress,
    headers: {
      origin: 'http://localhost:3000',
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
  });
  const post = (url: string, body: unknown, client: ReturnType<typeof from>) =>
    (app as TestApp).troupe.server.inject({ method: 'POST', url, payload: JSON.stringify(body), ...client });
  const signIn = (client: ReturnType<typeof from>) =>
    post('/api/auth/sign-in/email', { email: 'nobody@example.com', password: 'wrong password' }, client);
  const signUpFrom = (client: ReturnType<typeof from>, email = uniqueEmail('signup')) =>
    post('/api/auth/sign-up/email', { email, password: 'correct horse battery', name: 'New' }, client);

  it('ignores X-Forwarded-For without TRUST_PROXY: every forwarded address is the one client', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_IN_RATE_LIMIT: '2' } });
    expect((await signIn(from('127.0.0.1', '198.51.100.1'))).statusCode).toBe(401);
    expect((await signIn(from('127.0.0.1', '198.51.100.2'))).statusCode).toBe(401);
    const third = await signIn(from('127.0.0.1', '198.51.100.3'));
    expect(third.statusCode).toBe(429);
    expect(third.json().code).toBe('rate_limited');
  });

  it.each(['true', '127.0.0.1/8, ::1'])(
    'with TRUST_PROXY=%s, two forwarded clients get separate limits',
    async (trustProxy) => {
      app = await startTestApp('sqlite', { env: { SIGN_IN_RATE_LIMIT: '2', TRUST_PROXY: trustProxy } });
      const alice = from('127.0.0.1', '198.51.100.1');
      const bob = from('127.0.0.1', '198.51.100.2');
      expect((await signIn(alice)).statusCode).toBe(401);
      expect((await signIn(alice)).statusCode).toBe(401);
      expect((await signIn(alice)).statusCode).toBe(429);
      expect((await signIn(bob)).statusCode).toBe(401);
      expect((await signIn(bob)).statusCode).toBe(401);
      expect((await signIn(bob)).statusCode).toBe(429);
    },
  );

  it('does not trust X-Forwarded-For from a peer outside a TRUST_PROXY list', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_IN_RATE_LIMIT: '2', TRUST_PROXY: '10.0.0.0/8' } });
    expect((await signIn(from('203.0.113.9', '198.51.100.1'))).statusCode).toBe(401);
    expect((await signIn(from('203.0.113.9', '198.51.100.2'))).statusCode).toBe(401);
    expect((await signIn(from('203.0.113.9', '198.51.100.3'))).statusCode).toBe(429);
    // Through the trusted proxy, the forwarded address is the client.
    expect((await signIn(from('10.1.2.3', '198.51.100.1'))).statusCode).toBe(401);
  });

  it('caps failed sign-ins per client across different emails; successful ones are not counted', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_IN_FAILURE_LIMIT: '12' } });
    const person = await signUp(app);
    const client = from('198.51.100.9');
    const as = (email: string, password: string, who = client) =>
      post('/api/auth/sign-in/email', { email, password }, who);
    // Signing in that works, however often, counts nothing.
    for (let i = 0; i < 3; i++)
      expect((await as(person.email, 'correct horse battery')).statusCode).toBe(200);
    // One password tried on many accounts (each an argon2id hash): refused past the cap.
    for (let i = 0; i < 12; i++)
      expect((await as(`sprayed-${i}@example.com`, 'Summer2026!')).statusCode).toBe(401);
    const refused = await as('sprayed-last@example.com', 'Summer2026!');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'rate_limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Until the window ends, the right password from that client too; another client is not held back.
    expect((await as(person.email, 'correct horse battery')).statusCode).toBe(429);
    expect((await as(person.email, 'correct horse battery', from('198.51.100.10'))).statusCode).toBe(200);
  });

  it('counts sign-ins under way: a burst sent at once gets no more wrong passwords than the cap', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_IN_FAILURE_LIMIT: '5' } });
    const client = from('198.51.100.11');
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post('/api/auth/sign-in/email', { email: `burst-${i}@example.com`, password: 'Summer2026!' }, client),
      ),
    );
    const statuses = burst.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });

  it('SIGN_IN_FAILURE_LIMIT=0 turns the per-client cap off (the per-client-and-email limit stays)', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_IN_FAILURE_LIMIT: '0' } });
    const client = from('198.51.100.12');
    for (let i = 0; i < 15; i++) {
      const res = await post(
        '/api/auth/sign-in/email',
        { email: `open-${i}@example.com`, password: 'x-wrong-x' },
        client,
      );
      expect(res.statusCode).toBe(401);
    }
  });

  it('caps sign-ups per client across different emails; the refused one mails nobody', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_UP_RATE_LIMIT: '5' } });
    const client = from('198.51.100.7');
    for (let i = 0; i < 5; i++) expect((await signUpFrom(client)).statusCode).toBe(200);
    const sixthEmail = uniqueEmail('sixth');
    const sixth = await signUpFrom(client, sixthEmail);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.headers['content-type']).toContain('application/problem+json');
    expect(sixth.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    const mails = await listRecentMail(app.troupe.data.db, 50);
    expect(mails).toHaveLength(5);
    expect(mails.map((m) => m.to_address)).not.toContain(sixthEmail);
    const users = await app.troupe.data.db.selectFrom('user').select('email').execute();
    expect(users.map((u) => u.email)).not.toContain(sixthEmail);
    // Another client is not held back by it.
    expect((await signUpFrom(from('198.51.100.8'))).statusCode).toBe(200);
  });

  it('counts an IPv6 client by its /64: rotating addresses inside it does not reset a limit', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_IN_RATE_LIMIT: '2', SIGN_UP_RATE_LIMIT: '2' } });
    // Sign-in (per client and email) and sign-up (per client): each try from a new address of one /64.
    expect((await signIn(from('2001:db8:1:2::1'))).statusCode).toBe(401);
    expect((await signIn(from('2001:db8:1:2::2'))).statusCode).toBe(401);
    expect((await signIn(from('2001:db8:1:2:ffff:ffff:ffff:3'))).statusCode).toBe(429);
    expect((await signUpFrom(from('2001:db8:1:2::a'))).statusCode).toBe(200);
    expect((await signUpFrom(from('2001:db8:1:2::b'))).statusCode).toBe(200);
    expect((await signUpFrom(from('2001:db8:1:2::c'))).statusCode).toBe(429);
    // The next /64 is another client.
    expect((await signIn(from('2001:db8:1:3::1'))).statusCode).toBe(401);
    expect((await signUpFrom(from('2001:db8:1:3::1'))).statusCode).toBe(200);
  });

  it('a path with dot segments does not reach Better Auth around the documented routes’ limits and schemas', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_IN_RATE_LIMIT: '2' } });
    const address = await app.troupe.server.listen({ port: 0, host: '127.0.0.1' });
    // Over a socket: the path goes out exactly as written (inject() would resolve the dots itself).
    const raw = (path: string, body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(address);
        const r = httpRequest(
          {
            hostname,
            port,
            path,
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        r.on('error', reject);
        r.end(JSON.stringify(body));
      });
    const wrong = { email: 'nobody@example.com', password: 'wrong password' };
    for (const path of [
      '/api/auth/x/../sign-in/email',
      '/api/auth/x/%2e%2e/sign-in/email',
      '/api/auth/sign-in/email/../../sign-up/email',
      '/api/auth/x/../request-password-reset',
    ]) {
      for (let i = 0; i < 3; i++) expect(await raw(path, wrong), path).toBe(404);
    }
    // The documented route still counts (and answers) as before.
    expect(await raw('/api/auth/sign-in/email', wrong)).toBe(401);
  });

  it('Better Auth’s verify-password (an unthrottled password check) is not served', async () => {
    app = await startTestApp('sqlite');
    const res = await post('/api/auth/verify-password', { password: 'a guess' }, from('198.51.100.70'));
    expect(res.statusCode).toBe(404);
  });

  it('caps verification and reset mails per client across different emails', async () => {
    app = await startTestApp('sqlite');
    const client = from('198.51.100.9');
    for (const url of ['/api/auth/send-verification-email', '/api/auth/request-password-reset']) {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        statuses.push((await post(url, { email: uniqueEmail('mail') }, client)).statusCode);
      }
      expect(statuses.slice(0, 10), url).toEqual(Array(10).fill(200));
      expect(statuses[10], url).toBe(429);
    }
    expect(
      (await post('/api/auth/request-password-reset', { email: uniqueEmail('x') }, from('198.51.100.10')))
        .statusCode,
    ).toBe(200);
  });
});

/**
 * The limits on inviting (mail to addresses of the caller's choosing), on making workspaces (each
 * a fresh invitation allowance) and on the token routes (guessing). These calls write, so both
 * databases.
 */
describe.each(dialects)('invitation, workspace and token rate limits on %s', (dialect) => {
  let app: TestApp;
  let admin: SignedUp;
  beforeEach(async () => {
    app = await startTestApp(dialect);
    admin = await signUp(app, { name: 'Ada Admin' });
  });
  afterEach(async () => {
    await app.close();
  });

  const call = (
    client: string,
    method: string,
    url: string,
    body?: unknown,
    cookie: string | null = admin.cookie,
  ) => app.request({ method, url, cookie, body, remoteAddress: client });
  const newWorkspace = async (client: string) => {
    const res = await call(client, 'POST', '/api/workspaces', { name: 'Studio' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const inviteOne = (client: string, ws: string, email = uniqueEmail('invitee')) =>
    call(client, 'POST', `/api/workspaces/${ws}/invitations`, { emails: [email], role: 'viewer' });
  const invitationIds = async (ws: string, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await inviteOne(`192.0.2.${i + 1}`, ws);
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().results[0].invitationId);
    }
    return ids;
  };
  const resend = (client: string, ws: string, id: string) =>
    call(client, 'POST', `/api/workspaces/${ws}/invitations/${id}/resend`);
  const refused = (res: { statusCode: number; json(): { code?: string } }) => {
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('rate_limited');
  };
  const rowsOf = async (table: 'invitations' | 'workspaces') =>
    Number(
      (
        await app.troupe.data.db
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const auditCount = async (action: string) =>
    (await app.troupe.data.db.selectFrom('audit_events').select('id').where('action', '=', action).execute())
      .length;
  const mailsTo = async (email: string) =>
    (
      await app.troupe.data.db
        .selectFrom('mail_outbox')
        .select('id')
        .where('to_address', '=', email)
        .execute()
    ).length;

  it('allows one client 30 invitation calls and 30 resends in 10 minutes per workspace; another client is not held back', async () => {
    const ws = await newWorkspace('198.51.100.20');
    for (let i = 0; i < 30; i++) expect((await inviteOne('198.51.100.20', ws)).statusCode).toBe(201);
    const late = uniqueEmail('late');
    refused(await inviteOne('198.51.100.20', ws, late));
    expect(await mailsTo(late)).toBe(0);
    expect(await rowsOf('invitations')).toBe(30);
    expect((await inviteOne('198.51.100.21', ws, late)).statusCode).toBe(201);

    // Resends are counted on their own route, per client and workspace too.
    const [id] = await invitationIds(ws, 1);
    for (let i = 0; i < 30; i++)
      expect((await resend('198.51.100.22', ws, id as string)).statusCode).toBe(200);
    // A refused resend writes and mails nothing: the last link still works, no new mail or audit.
    const invitee = (
      await app.troupe.data.db
        .selectFrom('invitations')
        .select('email')
        .where('id', '=', id as string)
        .executeTakeFirstOrThrow()
    ).email;
    const token = await invitationToken(app, invitee);
    const mailsBefore = await mailsTo(invitee);
    const resendsBefore = await auditCount('invitation.resend');
    refused(await resend('198.51.100.22', ws, id as string));
    expect(await mailsTo(invitee)).toBe(mailsBefore);
    expect(await auditCount('invitation.resend')).toBe(resendsBefore);
    expect((await call('198.51.100.24', 'GET', `/api/invitations/${token}`)).statusCode).toBe(200);
    expect((await resend('198.51.100.23', ws, id as string)).statusCode).toBe(200);
  });

  it(`allows one client ${INVITE_CALLS_PER_CLIENT} invitation calls in 10 minutes across all workspaces (invites and resends together)`, async () => {
    const client = '198.51.100.30';
    const [ws1, ws2, ws3] = [
      await newWorkspace(client),
      await newWorkspace(client),
      await newWorkspace(client),
    ];
    // 30 in one workspace (its own limit), 29 and a resend in another: 60, each within its workspace's limit.
    for (let i = 0; i < 30; i++) expect((await inviteOne(client, ws1 as string)).statusCode).toBe(201);
    for (let i = 0; i < 29; i++) expect((await inviteOne(client, ws2 as string)).statusCode).toBe(201);
    const [id2] = (
      await app.troupe.data.db
        .selectFrom('invitations')
        .select('id')
        .where('workspace_id', '=', ws2 as string)
        .execute()
    ).map((r) => r.id);
    expect((await resend(client, ws2 as string, id2 as string)).statusCode).toBe(200);

    // A third workspace, untouched: refused for this client all the same, nothing written or mailed.
    const late = uniqueEmail('late');
    refused(await inviteOne(client, ws3 as string, late));
    const ws3Invitation = (await invitationIds(ws3 as string, 1))[0] as string;
    const res = await resend(client, ws3 as string, ws3Invitation);
    refused(res);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await mailsTo(late)).toBe(0);
    expect(await rowsOf('invitations')).toBe(30 + 29 + 1);

    // Another client is not held back.
    expect((await inviteOne('198.51.100.31', ws3 as string, late)).statusCode).toBe(201);
    expect((await resend('198.51.100.31', ws3 as string, ws3Invitation)).statusCode).toBe(200);
  });

  it(`allows one client ${WORKSPACES_PER_CLIENT_PER_HOUR} new workspaces an hour; another client is not held back`, async () => {
    const before = await rowsOf('workspaces');
    for (let i = 0; i < WORKSPACES_PER_CLIENT_PER_HOUR; i++) await newWorkspace('198.51.100.40');
    const res = await call('198.51.100.40', 'POST', '/api/workspaces', { name: 'One too many' });
    refused(res);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await rowsOf('workspaces')).toBe(before + WORKSPACES_PER_CLIENT_PER_HOUR);
    await newWorkspace('198.51.100.41');
  });

  it('calls without a session use up nobody’s invitation or workspace allowance behind their address', async () => {
    const client = '198.51.100.60';
    const ws = await newWorkspace(client);
    // More than both per-client caps, each to a workspace of its own (its per-workspace limit untouched).
    for (let i = 0; i < INVITE_CALLS_PER_CLIENT + 5; i++) {
      const res = await call(
        client,
        'POST',
        `/api/workspaces/anon${i}/invitations`,
        { emails: ['x@example.com'], role: 'viewer' },
        null,
      );
      expect(res.statusCode).toBe(401);
    }
    for (let i = 0; i < WORKSPACES_PER_CLIENT_PER_HOUR + 5; i++) {
      const res = await call(client, 'POST', '/api/workspaces', { name: 'Nope' }, null);
      expect(res.statusCode).toBe(401);
    }
    // The signed-in admin behind the same address is not held back.
    expect((await inviteOne(client, ws)).statusCode).toBe(201);
    await newWorkspace(client);
  });

  it('allows one client 60 looks and 60 accepts of invitation tokens a minute; another client is not held back', async () => {
    const ws = await newWorkspace('198.51.100.50');
    await inviteOne('198.51.100.50', ws, 'bea@example.com');
    const token = await invitationToken(app, 'bea@example.com');
    const guess = 'x'.repeat(43);
    for (let i = 0; i < 60; i++)
      expect((await call('198.51.100.51', 'GET', `/api/invitations/${guess}`)).statusCode).toBe(410);
    // Refused even for a live token: counted before the token is looked up.
    refused(await call('198.51.100.51', 'GET', `/api/invitations/${token}`));
    expect((await call('198.51.100.52', 'GET', `/api/invitations/${token}`)).statusCode).toBe(200);

    const bea = await signUp(app, { email: 'bea@example.com', name: 'Bea' });
    const accept = (client: string, t: string) =>
      call(client, 'POST', `/api/invitations/${t}/accept`, undefined, bea.cookie);
    for (let i = 0; i < 60; i++) expect((await accept('198.51.100.53', guess)).statusCode).toBe(410);
    refused(await accept('198.51.100.53', token));
    expect((await accept('198.51.100.54', token)).statusCode).toBe(200);
  });

  it('allows one client 60 looks and 60 joins through invite-link tokens a minute; another client is not held back', async () => {
    const ws = await newWorkspace('198.51.100.60');
    const link = await call('198.51.100.60', 'GET', `/api/workspaces/${ws}/invite-link`);
    const token = link.json().token as string;
    const guess = 'x'.repeat(60);
    for (let i = 0; i < 60; i++)
      expect((await call('198.51.100.61', 'GET', `/api/join/${guess}`)).statusCode).toBe(410);
    refused(await call('198.51.100.61', 'GET', `/api/join/${token}`));
    expect((await call('198.51.100.62', 'GET', `/api/join/${token}`)).statusCode).toBe(200);

    const joiner = await signUp(app, { name: 'Joiner' });
    await verifyEmail(app, joiner.userId);
    const join = (client: string, t: string) =>
      call(client, 'POST', `/api/join/${t}`, undefined, joiner.cookie);
    for (let i = 0; i < 60; i++) expect((await join('198.51.100.63', guess)).statusCode).toBe(410);
    refused(await join('198.51.100.63', token));
    expect((await join('198.51.100.64', token)).statusCode).toBe(200);
  });
});
