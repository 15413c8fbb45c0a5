import { type SignedUp, signUp, type TestApp, verifyEmail } from './harness.ts';

/** A signed-up user with a verified email. */
export async function verifiedUser(app: TestApp, name = 'Joiner'): Promise<SignedUp> {
  const u = await signUp(app, { name });
  await verifyEmail(app, u.userId);
  return u;
}

export async function linkOf(app: TestApp, cookie: string, ws: string) {
  const res = await app.request({ method: 'GET', url: `/api/workspaces/${ws}/invite-link`, cookie });
  if (res.statusCode !== 200) throw new Error(`invite link ${res.statusCode}: ${res.body}`);
  return res.json() as {
    url: string;
    token: string;
    enabled: boolean;
    role: string;
    expiresAt: string | null;
    maxUses: number | null;
    uses: number;
  };
}

export const joinWith = (app: TestApp, token: string, cookie?: string, headers?: Record<string, string>) =>
  app.request({ method: 'POST', url: `/api/join/${token}`, cookie, headers });
