import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentProvider } from '../src/infra/payments.ts';
import { createWorkspace, dialects, signUp, startTestApp, type TestApp } from './harness.ts';

interface Charge {
  from: number;
  to: number;
  reference: string;
}

/**
 * A payment provider that records each charge and is slow the way a real one is: a charge waits
 * (up to 300 ms) for another one to start, so two seat changes that could price themselves at
 * the same time do.
 */
function slowRecordingProvider(): PaymentProvider & { charges: Charge[] } {
  const charges: Charge[] = [];
  let release: (() => void) | null = null;
  return {
    name: 'test',
    charges,
    async chargeSeats({ from, to }) {
      const reference = `charge_${charges.length + 1}`;
      charges.push({ from, to, reference });
      if (release) {
        release();
        release = null;
      } else {
        await new Promise<void>((resolve) => {
          release = resolve;
          setTimeout(resolve, 300);
        });
        release = null;
      }
      return { reference };
    },
  };
}

describe.each(dialects)('seat changes on %s', (dialect) => {
  let app: TestApp;
  let payments: ReturnType<typeof slowRecordingProvider>;
  beforeEach(async () => {
    payments = slowRecordingProvider();
    app = await startTestApp(dialect, { payments });
  });
  afterEach(async () => {
    await app.close();
  });

  it('prices each change from the seat count it changes, even when two run at once', async () => {
    const admin = await signUp(app, { name: 'Ada Admin' });
    const ws = await createWorkspace(app, admin.cookie);
    const setSeats = (seats: number) =>
      app.request({
        method: 'POST',
        url: `/api/workspaces/${ws.id}/billing/seats`,
        cookie: admin.cookie,
        body: { seats },
      });
    const results = await Promise.all([setSeats(10), setSeats(8)]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);

    const billing = (
      await app.request({ method: 'GET', url: `/api/workspaces/${ws.id}/billing`, cookie: admin.cookie })
    ).json();
    const purchases: { seatsBefore: number; seatsAfter: number; reference: string }[] = billing.purchases;
    expect(purchases).toHaveLength(2);
    // The recorded history is a chain from 5 to the final count ...
    const chain = [...purchases].reverse();
    expect(chain[0]?.seatsBefore).toBe(5);
    expect(chain[1]?.seatsBefore).toBe(chain[0]?.seatsAfter);
    expect(chain[1]?.seatsAfter).toBe(billing.seats);
    // ... and every charge is for exactly one recorded increase, priced from its own before and after.
    const increases = chain.filter((p) => p.seatsAfter > p.seatsBefore);
    expect(payments.charges).toHaveLength(increases.length);
    for (const p of chain) {
      if (p.seatsAfter > p.seatsBefore) {
        expect(payments.charges).toContainEqual({
          from: p.seatsBefore,
          to: p.seatsAfter,
          reference: p.reference,
        });
      } else {
        expect(p.reference).toBe('reduction');
      }
    }
  });
});
