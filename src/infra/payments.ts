/** Charges for seats. A real provider (Stripe, Paddle, ...) implements the same interface. */
export interface PaymentProvider {
  readonly name: string;
  /**
   * Charge for moving from `from` to `to` seats. Resolves with the provider's reference, or throws.
   * Called inside the seat change's transaction, under the workspace's lock; a call repeated with
   * the same `idempotencyKey` (the transaction run again) must not charge twice.
   */
  chargeSeats(input: {
    workspaceId: string;
    actorId: string;
    from: number;
    to: number;
    idempotencyKey: string;
  }): Promise<{ reference: string }>;
}

/** The built-in provider of a self-hosted install: approves at once, charges nothing. */
export function createLocalPaymentProvider(newRef: () => string): PaymentProvider {
  return {
    name: 'local',
    async chargeSeats() {
      return { reference: `local_${newRef()}` };
    },
  };
}
