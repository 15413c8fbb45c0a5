import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDatabase } from './harness.ts';
import { openSse } from './sse-client.ts';

/**
 * Two real server processes (`node --import tsx src/main.ts`) on one PostgreSQL database: the
 * LISTEN/NOTIFY fan-out carries a join request made through one to a stream open on the other,
 * and a stream that moves to the other process with Last-Event-ID gets exactly what it missed.
 */
const PORTS = [3943, 3944] as const;
const SECRET = 'two-process-secret-two-process-secret-01';

describe.skipIf(!process.env.TEST_DATABASE_URL)('notifications across two processes on PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  const children: ChildProcess[] = [];
  const url = (i: 0 | 1) => `http://127.0.0.1:${PORTS[i]}`;

  const start = async (i: 0 | 1) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        PORT: String(PORTS[i]),
        HOST: '127.0.0.1',
        DATABASE_URL: scratch.url,
        DATA_DIR: scratch.dir,
        PUBLIC_URL: url(i),
        AUTH_SECRET: SECRET,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        SMTP_URL: '',
        REDIS_URL: '',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    for (const until = Date.now() + 30_000; Date.now() < until; ) {
      if (child.exitCode !== null) throw new Error(`server ${i} exited with ${child.exitCode}`);
      try {
        if ((await fetch(`${url(i)}/readyz`)).ok) return child;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`server ${i} not ready`);
  };

  const call = async (i: 0 | 1, method: string, path: string, cookie: string | null, body?: unknown) => {
    const res = await fetch(`${url(i)}${path}`, {
      method,
      headers: {
        origin: url(i),
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, cookies: res.headers.getSetCookie() };
  };
  const verify = async (userId: string) => {
    const c = new pg.Client({ connectionString: scratch.url });
    await c.connect();
    await c.query('UPDATE "user" SET "emailVerified" = true WHERE id = $1', [userId]);
    await c.end();
  };
  const person = async (i: 0 | 1, name: string) => {
    const email = `${name.toLowerCase().replace(/\W/g, '')}-${Date.now()}@example.com`;
    const res = await call(i, 'POST', '/api/auth/sign-up/email', null, {
      email,
      name,
      password: 'correct horse battery',
    });
    expect(res.status).toBe(200);
    const cookie = (res.cookies.find((c) => c.includes('session_token=')) as string).split(';')[0] as string;
    await verify(res.json.user.id);
    return { cookie, userId: res.json.user.id as string };
  };

  let admin: { cookie: string; userId: string };
  let token = '';

  beforeAll(async () => {
    scratch = await scratchDatabase('postgres');
    await start(0);
    await start(1);
    admin = await person(0, 'Ada Admin');
    const ws = (await call(0, 'POST', '/api/workspaces', admin.cookie, { name: 'Two Nodes' })).json;
    await call(0, 'PATCH', `/api/workspaces/${ws.id}`, admin.cookie, { requireApproval: true });
    token = (await call(1, 'GET', `/api/workspaces/${ws.id}/invite-link`, admin.cookie)).json.token;
  }, 90_000);

  afterAll(async () => {
    for (const child of children) {
      if (child.pid && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      }
    }
    await scratch?.drop();
  }, 30_000);

  const join = async (via: 0 | 1, name: string) => {
    const p = await person(via, name);
    const res = await call(via, 'POST', `/api/join/${token}`, p.cookie);
    expect(res.json.status).toBe('requested');
  };
  const names = (events: { data: string }[]) => events.map((e) => JSON.parse(e.data).data.requester.name);

  it('a join request made through process A reaches a stream on process B', async () => {
    const onB = await openSse(`${url(1)}/api/notifications/stream`, { cookie: admin.cookie });
    expect(onB.status).toBe(200);
    await join(0, 'First Through A');
    expect(names(await onB.waitFor(1))).toEqual(['First Through A']);
    // And the other way: made through B, seen on a stream on A.
    const onA = await openSse(`${url(0)}/api/notifications/stream`, { cookie: admin.cookie });
    await join(1, 'Second Through B');
    expect(names(await onA.waitFor(1))).toEqual(['Second Through B']);
    expect(names(await onB.waitFor(2))).toEqual(['First Through A', 'Second Through B']);
    onA.close();
    onB.close();
  });

  it('a client that reconnects to the other process with Last-Event-ID gets exactly the events it missed', async () => {
    const onB = await openSse(`${url(1)}/api/notifications/stream`, { cookie: admin.cookie });
    await join(0, 'Before The Drop');
    const [seen] = await onB.waitFor(1);
    onB.close();
    await onB.ended;
    await join(0, 'Missed One');
    await join(1, 'Missed Two');
    const onA = await openSse(`${url(0)}/api/notifications/stream`, {
      cookie: admin.cookie,
      'last-event-id': seen?.id ?? '',
    });
    const missed = await onA.waitFor(2);
    expect(names(missed)).toEqual(['Missed One', 'Missed Two']);
    expect(missed.map((e) => Number(e.id))).toEqual([Number(seen?.id) + 1, Number(seen?.id) + 2]);
    await join(1, 'Live Again');
    await onA.waitFor(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(names(onA.events)).toEqual(['Missed One', 'Missed Two', 'Live Again']);
    onA.close();
  });

  it('SIGTERM ends open streams and the process exits cleanly', async () => {
    const onB = await openSse(`${url(1)}/api/notifications/stream`, { cookie: admin.cookie });
    const child = children[1] as ChildProcess;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    process.kill(child.pid as number, 'SIGTERM');
    await onB.ended;
    expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 5000))])).toBe(0);
  });
});
