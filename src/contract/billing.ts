import { z } from 'zod';

export const Billing = z.object({
  seats: z.number().int(),
  seatsUsed: z.number().int(),
  purchases: z.array(
    z.object({
      id: z.string(),
      actor: z.object({ id: z.string().nullable(), name: z.string() }),
      seatsBefore: z.number().int(),
      seatsAfter: z.number().int(),
      provider: z.string(),
      reference: z.string(),
      createdAt: z.string(),
    }),
  ),
});
export type Billing = z.infer<typeof Billing>;

export const SetSeatsBody = z.strictObject({
  seats: z.number().int().min(1).max(100_000).describe('The new total seat count'),
});
