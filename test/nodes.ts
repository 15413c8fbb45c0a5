/**
 * Troupe server processes for tests that need more than one (several nodes on one database):
 * started as `node --import tsx src/main.ts` and ended by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TroupeNode {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

const root = new URL('../', import.meta.url).pathname;

/** Starts a node on `port` with `env` (DATABASE_URL and AUTH_SECRET at least, for a cluster). */
export function startNode(port: number, env: Record<string, string>): TroupeNode {
  const url = `http://127.0.0.1:${port}`;
  // Its own data directory unless the test names one; removed when the node is stopped.
  const dataDir = env.DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), 'troupe-node-')) : null;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      ...(dataDir ? { DATA_DIR: dataDir } : {}),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b) => {
    out += String(b);
  });
  child.stderr?.on('data', (b) => {
    out += String(b);
  });
  return {
    url,
    child,
    output: () => out,
    async stop() {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(
          () => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'),
          10_000,
        );
        await exited;
        clearTimeout(timer);
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the node answers /readyz 200; throws with its output if it exits or times out. */
export async function waitReady(node: TroupeNode, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (node.child.exitCode !== null) {
      throw new Error(`node ${node.url} exited with ${node.child.exitCode}:\n${node.output()}`);
    }
    try {
      const res = await fetch(`${node.url}/readyz`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node ${node.url} not ready after ${ms} ms:\n${node.output()}`);
}

/** Signs a new person up on a running node over HTTP: the session cookie (`name=value`). */
export async function signUpOnNode(node: TroupeNode, email: string, name: string): Promise<string> {
  const up = await fetch(`${node.url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: node.url },
    body: JSON.stringify({ email, name, password: 'correct horse battery' }),
  });
  if (up.status !== 200) throw new Error(`sign-up on ${node.url}: ${up.status} ${await up.text()}`);
  return up.headers.getSetCookie()[0]?.split(';')[0] ?? '';
}
