import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower-case

let lastTime = -1;
let lastRandom = 0n;
const RANDOM_MAX = (1n << 80n) - 1n;

function encode(value: bigint, chars: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < chars; i++) {
    out = alphabet[Number(v & 31n)] + out;
    v >>= 5n;
  }
  return out;
}

/**
 * A 26-character id that sorts by creation time (ULID layout: 48-bit ms time + 80 random bits).
 * Monotonic within a process: ids made in the same millisecond (or with a clock that stands
 * still) still sort in the order they were made.
 */
export function newId(now = Date.now()): string {
  let time = now;
  if (time <= lastTime) {
    time = lastTime;
    lastRandom = lastRandom >= RANDOM_MAX ? 0n : lastRandom + 1n;
  } else {
    lastTime = time;
    lastRandom = BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n; // room to count up
  }
  return encode(BigInt(time), 10) + encode(lastRandom, 16);
}
