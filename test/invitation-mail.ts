import type { Db } from '../src/data/db.ts';

/**
 * The token of the newest invitation mailed to `email`, read from the outbox: what clicking the
 * mail's link would carry. For the tests (test/harness.ts) and the benchmarks (bench/members-data.ts),
 * which both accept invitations over HTTP. No test runner import here: the benchmarks load it too.
 */
export async function invitationTokenFromOutbox(db: Db, email: string): Promise<string> {
  const mail = await db
    .selectFrom('mail_outbox')
    .select(['text_body'])
    .where('to_address', '=', email)
    .where('subject', 'like', '%invited you%')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const token = mail?.text_body.match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no invitation mail to ${email}`);
  return token;
}
