import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getBilling } from '../../app/billing/get-billing.ts';
import { setSeats } from '../../app/billing/set-seats.ts';
import { Billing, SetSeatsBody } from '../../contract/billing.ts';
import { WorkspaceParams } from '../../contract/workspaces.ts';
import type { Db, Dialect } from '../../data/db.ts';
import type { Clock } from '../../infra/clock.ts';
import type { PaymentProvider } from '../../infra/payments.ts';
import type { Authenticator } from '../authenticate.ts';

export function billingRoutes(
  app: FastifyInstance,
  deps: { db: Db; dialect: Dialect; clock: Clock; payments: PaymentProvider; authn: Authenticator },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['billing'];
  r.get(
    '/api/workspaces/:ws/billing',
    {
      schema: {
        tags,
        summary: 'Seats and the record of seat changes (Super Admin)',
        params: WorkspaceParams,
        response: { 200: Billing },
      },
    },
    async (req) => getBilling(deps, await deps.authn.workspaceActor(req, req.params.ws)),
  );
  r.post(
    '/api/workspaces/:ws/billing/seats',
    {
      schema: {
        tags,
        summary: 'Set the seat count: buy more, or drop unused ones (never below the seats in use)',
        params: WorkspaceParams,
        body: SetSeatsBody,
        response: { 200: Billing },
      },
    },
    async (req) => setSeats(deps, await deps.authn.workspaceActor(req, req.params.ws), req.body),
  );
}
