import type { Readable } from 'node:stream';

/**
 * The first `n` bytes of `stream` (fewer when it ends first), put back in front so the stream still
 * yields everything from its first byte. Rejects when the stream fails first.
 */
export async function peekHead(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < n) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    // A stream that failed before we looked (destroyed with an error) fails the peek, not "ends".
    if (stream.errored) throw stream.errored;
    if (stream.readableEnded || stream.destroyed) break;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: unknown) => {
        stream.off('readable', ok);
        stream.off('end', ok);
        stream.off('close', ok);
        stream.off('error', fail);
        if (err) reject(err);
        else resolve();
      };
      const ok = () => done();
      const fail = (err: unknown) => done(err ?? new Error('stream failed'));
      stream.once('readable', ok);
      stream.once('end', ok);
      stream.once('close', ok);
      stream.once('error', fail);
    });
    if (stream.errored) throw stream.errored;
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0) stream.unshift(head);
  return head.subarray(0, n);
}
