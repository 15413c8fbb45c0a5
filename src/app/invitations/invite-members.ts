import type { InviteBody, InviteResult } from '../../contract/invitations.ts';
import { roleLabels } from '../../contract/roles.ts';
import { isoTime } from '../../contract/time.ts';
import { type AuditEntry, auditPart } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction, type Tx } from '../../data/db.ts';
import { newId } from '../../data/ids.ts';
import {
  findInvitees,
  type InvitationRow,
  invitationsPart,
  isPendingInvitationTaken,
  isWorkspaceGone,
  renewInvitation,
} from '../../data/invitations.repo.ts';
import { mailsPart, type OutgoingMail } from '../../data/outbox.repo.ts';
import { writeTogether } from '../../data/write-together.ts';
import { DomainError, invalid, notFound } from '../../domain/errors.ts';
import { INVITATION_TTL_MS, MAX_INVITES_PER_CALL, parseEmailList } from '../../domain/members.ts';
import type { Clock } from '../../infra/clock.ts';
import { hashToken, newToken } from '../../infra/tokens.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';
import { invitationMail } from '../mail/templates.ts';

export interface InvitationDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  publicUrl: string;
  /** Tell the outbox worker that mail is waiting (after commit). */
  mailQueued(): void;
}

export const acceptUrl = (publicUrl: string, token: string) => `${publicUrl}/invite/${token}`;

/**
 * Invites up to 100 addresses with one role (SPEC §4.2). One invalid address rejects the call;
 * members and live invitations are reported back, not duplicated; an expired invitation is renewed
 * (new token, expiry and role, and the caller as its inviter; audited as an invitation by them).
 * Invitation rows, their emails (outbox) and the audit entries are written in one transaction.
 * No workspace lock: at most one pending invitation per address is the database's unique index
 * (`invitations_pending_uniq`). Two calls that both read an address as not yet invited race to
 * insert it; the loser's transaction rolls back whole (no row, no mail) and runs again, and then
 * reads the winner's invitation (`already_invited`). Likewise for an expired invitation both renew.
 */
export async function inviteMembers(
  deps: InvitationDeps,
  actor: WorkspaceActor,
  input: InviteBody,
): Promise<InviteResult> {
  requireAccess(actor, 'members:manage');
  const { valid, invalid: bad } = parseEmailList(input.emails);
  if (bad.length > 0) {
    throw new DomainError(
      'validation',
      `Not valid email address${bad.length > 1 ? 'es' : ''}: ${bad.join(', ')}`,
      bad.map((e) => ({ path: 'emails', message: `${e} is not a valid email address` })),
    );
  }
  if (valid.length === 0) throw invalid('emails', 'Enter at least one email address');
  if (valid.length > MAX_INVITES_PER_CALL)
    throw invalid('emails', `At most ${MAX_INVITES_PER_CALL} addresses at a time`);

  const ws = actor.workspaceId;
  let result: InviteResult;
  try {
    result = await inTransaction(deps.db, invite, { retryIf: lostRace });
  } catch (err) {
    if (lostRace(err))
      throw new DomainError(
        'conflict',
        'Someone else was inviting these addresses at the same moment; try again.',
      );
    if (isWorkspaceGone(err)) throw notFound('Workspace');
    throw err;
  }
  deps.mailQueued();
  return result;

  async function invite(tx: Tx): Promise<InviteResult> {
    const now = deps.clock.now();
    const expiresAt = now + INVITATION_TTL_MS;
    const invitees = await findInvitees(tx, ws, valid);
    const workspaceName = invitees.workspaceName;
    if (workspaceName === null) throw notFound('Workspace');
    const members = invitees.members;
    const pending = new Map(invitees.pending.map((i) => [i.email, i]));

    const results: InviteResult['results'] = [];
    const rows: InvitationRow[] = [];
    const mails: OutgoingMail[] = [];
    const audit: AuditEntry[] = [];
    const mailFor = (email: string, token: string) =>
      invitationMail(
        email,
        actor.name,
        workspaceName,
        roleLabels[input.role],
        acceptUrl(deps.publicUrl, token),
      );

    // Written in the order of the addresses, whatever order they were given in: two calls with the
    // same addresses otherwise wait for each other's rows in opposite orders (a deadlock, which
    // PostgreSQL breaks after a second). Answered in the order given.
    for (const email of [...valid].sort()) {
      const live = pending.get(email);
      if (members.has(email)) {
        results.push({ email, outcome: 'already_member' });
      } else if (live && live.expires_at > now) {
        results.push({ email, outcome: 'already_invited', invitationId: live.id });
      } else if (live) {
        // Renewed in place, as this caller's invitation: the mail names them, so the accept page
        // shows them and they hear of the acceptance (whoever sent the expired one).
        const token = newToken();
        const fresh = { tokenHash: hashToken(token), expiresAt, invitedBy: actor.userId };
        const renew = { role: input.role, expiredAt: now };
        if (!(await renewInvitation(tx, ws, live.id, fresh, now, renew))) throw new RaceLost();
        mails.push(mailFor(email, token));
        audit.push({
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'invitation.create',
          target: { type: 'invitation', id: live.id, label: email },
          before: { role: live.role, expiresAt: isoTime(live.expires_at) },
          after: { role: input.role, expiresAt: isoTime(expiresAt) },
        });
        results.push({ email, outcome: 'invited', invitationId: live.id });
      } else {
        const token = newToken();
        const id = newId(now);
        rows.push({
          id,
          workspace_id: ws,
          email,
          role: input.role,
          token_hash: hashToken(token),
          status: 'pending',
          expires_at: expiresAt,
          invited_by: actor.userId,
          accepted_by: null,
          created_at: now,
          updated_at: now,
        });
        mails.push(mailFor(email, token));
        audit.push({
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'invitation.create',
          target: { type: 'invitation', id, label: email },
          after: { role: input.role },
        });
        results.push({ email, outcome: 'invited', invitationId: id });
      }
    }
    // One statement on PostgreSQL (data/write-together.ts).
    await writeTogether(tx, [invitationsPart(rows), mailsPart(mails, now), auditPart(audit, now)], {
      last: true,
    });
    const given = new Map(valid.map((email, i) => [email, i]));
    results.sort((a, b) => (given.get(a.email) ?? 0) - (given.get(b.email) ?? 0));
    return { results };
  }
}

/** Another call renewed (or ended) an expired invitation this call was renewing: run again. */
class RaceLost extends Error {}

/** The call lost a race to another transaction (see `inviteMembers`): `inTransaction` runs it again. */
const lostRace = (err: unknown) => err instanceof RaceLost || isPendingInvitationTaken(err);
