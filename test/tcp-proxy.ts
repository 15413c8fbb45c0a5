/**
 * A TCP proxy the test controls, standing between Troupe and a database it must not touch (the
 * machine's shared PostgreSQL): `down()` refuses and cuts every connection as a dead host would,
 * `stall()` keeps connections open but passes nothing on (a network partition), `up()` and
 * `resume()` undo them.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  down(): Promise<void>;
  up(): Promise<void>;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, port: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let stalled = false;
  /** What arrived while stalled, per direction: passed on by resume(). */
  const held: { to: net.Socket; chunks: Buffer[] }[] = [];
  let server: net.Server | null = null;
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const forward = (from: net.Socket, to: net.Socket) => {
    const queue = { to, chunks: [] as Buffer[] };
    held.push(queue);
    from.on('data', (chunk: Buffer) => {
      if (stalled || queue.chunks.length > 0) queue.chunks.push(chunk);
      else to.write(chunk);
    });
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const srv = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        track(client);
        track(upstream);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        forward(client, upstream);
        forward(upstream, client);
      });
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        server = srv;
        resolve();
      });
    });
  const down = async () => {
    const srv = server;
    server = null;
    for (const s of sockets) s.destroy();
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  };
  await listen();
  return {
    port,
    down,
    up: listen,
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
      for (const queue of held) {
        for (const chunk of queue.chunks.splice(0)) if (!queue.to.destroyed) queue.to.write(chunk);
      }
    },
    close: down,
  };
}
