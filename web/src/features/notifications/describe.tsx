import type { ReactNode } from 'react';
import { type Notification, roleLabels } from '../../../../src/contract/index.ts';

/** A notification in a sentence (people's and things' names in bold) and where it leads. */
export function describeNotification(n: Notification): { text: ReactNode; href: string | null } {
  const ws = n.data.workspace;
  switch (n.kind) {
    case 'join_request':
      return {
        text: (
          <>
            <b>{n.data.requester.name}</b> ({n.data.requester.email}) asked to join <b>{ws.name}</b> as{' '}
            {roleLabels[n.data.role]}
          </>
        ),
        href: `/w/${ws.id}/members`,
      };
    case 'join_request_approved':
      return {
        text: (
          <>
            You're in: your request to join <b>{ws.name}</b> was approved ({roleLabels[n.data.role]})
          </>
        ),
        href: `/w/${ws.id}/members`,
      };
    case 'join_request_denied':
      return {
        text: (
          <>
            Your request to join <b>{ws.name}</b> was declined
          </>
        ),
        href: null,
      };
    case 'invitation_accepted':
      return {
        text: (
          <>
            <b>{n.data.member.name}</b> accepted your invitation to <b>{ws.name}</b>
          </>
        ),
        href: `/w/${ws.id}/members`,
      };
    case 'item_shared':
      return {
        text: (
          <>
            <b>{n.data.sharedBy.name}</b> shared “{n.data.item.title}” with you (can {n.data.permission})
          </>
        ),
        href: `/w/${ws.id}/library/items/${n.data.item.id}`,
      };
    case 'seat_limit_reached':
      return {
        text: n.data.turnedAway ? (
          <>
            <b>{n.data.turnedAway.name}</b> couldn't join <b>{ws.name}</b>: all {n.data.seats} seats are in
            use
          </>
        ) : (
          <>
            All {n.data.seats} seats of <b>{ws.name}</b> are in use
          </>
        ),
        href: `/w/${ws.id}/billing`,
      };
  }
}
