import type { JoinResult } from '../../contract/invitations.ts';
import { type Role, roleLabels } from '../../contract/roles.ts';
import { isoTime } from '../../contract/time.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { newId } from '../../data/ids.ts';
import { claimLinkUse } from '../../data/invite-links.repo.ts';
import {
  askedSince,
  closePendingJoinRequest,
  findPendingJoinRequest,
  insertJoinRequest,
  renewJoinRequest,
} from '../../data/join-requests.repo.ts';
import {
  claimSeat,
  findMembership,
  insertMembership,
  listSuperAdmins,
  lockWorkspace,
} from '../../data/members.repo.ts';
import { insertMails } from '../../data/outbox.repo.ts';
import { DomainError } from '../../domain/errors.ts';
import { JOIN_REQUEST_MAIL_GAP_MS, JOIN_REQUEST_TTL_MS, sortKey } from '../../domain/members.ts';
import type { NotificationBus } from '../../infra/bus.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccountAccess } from '../gate.ts';
import { joinRequestMail } from '../mail/templates.ts';
import {
  notesTo,
  noteTurnedAway,
  publishNotes,
  seatLimitNotes,
  writeNotes,
} from '../notifications/notify.ts';
import { liveLink } from './invite-link.ts';

const linkJustUsedUp = () =>
  new DomainError(
    'invite_expired',
    'This invite link has just been used up or changed. Ask a Super Admin of the workspace for a new one.',
  );

export interface JoinDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  bus: NotificationBus;
  /** The server's secret: the link's token is checked against it. */
  linkSecret: string;
  publicUrl: string;
  /** Tell the outbox worker that mail is waiting (after commit). */
  mailQueued(): void;
}

/**
 * Joins a workspace through its invite link (SPEC §4.3, §4.4), signed in with a verified email.
 * With approval off the person becomes an active member at once, taking a seat through the same
 * conditional claim as an invitation (409 `no_seats` when full); with it on, a join request is
 * made, or the pending one returned. Each join or new request counts one use of the link, in the
 * same transaction, so a refused join uses nothing. A new request is told to every Super Admin in the
 * app and, for the person's first request in a day there, by email (outbox, the same transaction).
 */
export async function joinByLink(deps: JoinDeps, actor: Actor, token: string): Promise<JoinResult> {
  requireAccountAccess(actor, 'workspace:join');
  let workspaceId: string | null = null;
  const now = deps.clock.now();
  try {
    const { result, notes, mailed } = await join();
    if (mailed) deps.mailQueued();
    publishNotes(deps.bus, notes, now);
    return result;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'no_seats' && workspaceId) {
      await noteTurnedAway(deps, workspaceId, { name: actor.name, email: actor.email });
    }
    throw err;
  }

  /** The join itself, in one transaction; the notifications it writes are published after its commit. */
  function join() {
    return inTransaction(deps.db, async (tx) => {
      const { target, link } = await liveLink(deps.linkSecret, tx, token, now);
      const ws = target.id;
      workspaceId = ws;
      const workspace = { id: ws, name: target.name };
      // One join at a time per workspace: the pending-request check and the seat stay consistent.
      await lockWorkspace(tx, deps.dialect, ws);
      const member = await findMembership(tx, ws, actor.userId);
      if (member) {
        throw new DomainError('already_member', `You are already a member of ${target.name}.`);
      }
      if (!actor.emailVerified) {
        throw new DomainError(
          'email_not_verified',
          `Verify ${actor.email} first: open the link we emailed you, then join again.`,
        );
      }
      const pending = await findPendingJoinRequest(tx, ws, actor.userId);
      const role = link.role as Role;

      if (target.require_approval === 1) {
        if (pending && pending.expires_at > now) {
          return {
            result: {
              status: 'requested',
              workspace,
              role: pending.role as Role,
              joinRequestId: pending.id,
            } as const,
            notes: [],
            mailed: false,
          };
        }
        if (!(await claimLinkUse(tx, ws, link.nonce, now))) throw linkJustUsedUp();
        const expiresAt = now + JOIN_REQUEST_TTL_MS;
        const key = sortKey(actor.name, actor.email);
        const id = pending?.id ?? newId(now);
        if (pending) {
          await renewJoinRequest(tx, ws, id, {
            role,
            name: actor.name,
            sortKey: key,
            createdAt: now,
            expiresAt,
          });
        } else {
          await insertJoinRequest(tx, {
            id,
            workspace_id: ws,
            user_id: actor.userId,
            email: actor.email,
            name: actor.name,
            sort_key: key,
            role,
            status: 'pending',
            decided_by: null,
            decided_at: null,
            created_at: now,
            expires_at: expiresAt,
          });
        }
        await insertAuditEvents(
          tx,
          [
            {
              workspaceId: ws,
              actor: actorRef(actor),
              action: 'join_request.create',
              target: { type: 'join_request', id, label: actor.email },
              after: { role, via: 'invite_link' },
            },
          ],
          now,
        );
        const requester = { id: actor.userId, name: actor.name, email: actor.email };
        const admins = await listSuperAdmins(tx, ws);
        const notes = notesTo(
          admins,
          ws,
          'join_request',
          {
            workspace,
            requester,
            role,
            joinRequestId: id,
            requestStatus: 'pending',
            requestExpiresAt: isoTime(expiresAt),
          },
          { subjectId: id },
        );
        // Email too, unless they asked here in the last day (a denied person asking again).
        const mailed = !(await askedSince(tx, ws, actor.userId, id, now - JOIN_REQUEST_MAIL_GAP_MS));
        if (mailed) {
          const review = `${deps.publicUrl}/w/${ws}/notifications`;
          const mail = (a: { email: string; name: string }) =>
            joinRequestMail(a.email, a.name, requester, target.name, roleLabels[role], review);
          await insertMails(tx, admins.map(mail), now);
        }
        return {
          result: { status: 'requested', workspace, role, joinRequestId: id } as const,
          notes: await writeNotes(tx, notes, now),
          mailed,
        };
      }

      if (!(await claimLinkUse(tx, ws, link.nonce, now))) throw linkJustUsedUp();
      if (!(await claimSeat(tx, ws))) {
        throw new DomainError(
          'no_seats',
          `${target.name} has no free seat. Ask a Super Admin of the workspace to add seats.`,
        );
      }
      await insertMembership(
        tx,
        {
          workspaceId: ws,
          userId: actor.userId,
          role,
          email: actor.email,
          name: actor.name,
          sortKey: sortKey(actor.name, actor.email),
        },
        now,
      );
      if (pending) await closePendingJoinRequest(tx, ws, actor.userId, now);
      await insertAuditEvents(
        tx,
        [
          {
            workspaceId: ws,
            actor: actorRef(actor),
            action: 'invite_link.join',
            target: { type: 'member', id: actor.userId, label: actor.email },
            after: { role },
          },
        ],
        now,
      );
      return {
        result: { status: 'active', workspace, role } as const,
        notes: await writeNotes(tx, await seatLimitNotes(tx, ws, null), now),
        mailed: false,
      };
    });
  }
}
