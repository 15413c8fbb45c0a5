/**
 * A redis-server process of the test's own (never the machine's shared one), to kill, freeze
 * (SIGSTOP: connections stay open, nothing answers) and start again on the same port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

export interface RedisProcess {
  url: string;
  /** SIGKILL: the connections drop and the port refuses. */
  kill(): Promise<void>;
  freeze(): void;
  thaw(): void;
}

/** Whether something already accepts connections on the port (a server left over from a test
 * process that was killed): then this test would talk to it, not to the one it starts. */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startRedis(port: number): Promise<RedisProcess> {
  if (await portTaken(port)) {
    throw new Error(
      `port ${port} is already in use (a redis-server left from an earlier run?): stop it first`,
    );
  }
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    for (let i = 0; ; i++) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch (err) {
        if (i > 100 || child.exitCode !== null)
          throw new Error(`redis-server on ${port} did not start: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    probe.disconnect();
  }
  const signal = (s: NodeJS.Signals) => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, s);
  };
  return {
    url,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      signal('SIGCONT');
      signal('SIGKILL');
      await exited;
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
  };
}
