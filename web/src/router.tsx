import { createBrowserRouter, Navigate } from 'react-router-dom';
import { AccountPage } from './features/account/account-page.tsx';
import { ApiKeysPage } from './features/api-keys/api-keys-page.tsx';
import { AuditPage } from './features/audit/audit-page.tsx';
import { ForgotPasswordPage } from './features/auth/forgot-password-page.tsx';
import { RequireAuth } from './features/auth/require-auth.tsx';
import { ResetPasswordPage } from './features/auth/reset-password-page.tsx';
import { SignInPage } from './features/auth/sign-in-page.tsx';
import { SignUpPage } from './features/auth/sign-up-page.tsx';
import { VerifiedPage } from './features/auth/verified-page.tsx';
import { VerifyEmailPage } from './features/auth/verify-email-page.tsx';
import { BillingPage } from './features/billing/billing-page.tsx';
import { AcceptInvitePage } from './features/invitations/accept-invite-page.tsx';
import { JoinPage } from './features/invitations/join-page.tsx';
import { ItemPage } from './features/library/item-page.tsx';
import { LibraryPage } from './features/library/library-page.tsx';
import { TrashPage } from './features/library/trash-page.tsx';
import { MembersPage } from './features/members/members-page.tsx';
import { NotificationsPage } from './features/notifications/notifications-page.tsx';
import { SettingsPage } from './features/settings/settings-page.tsx';
import { AppLayout } from './features/shell/app-layout.tsx';
import { ManageWorkspacesPage } from './features/workspaces/manage-workspaces-page.tsx';
import { RootRedirect } from './features/workspaces/root-redirect.tsx';
import { WorkspaceGate } from './features/workspaces/workspace-gate.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { RouteError } from './route-error.tsx';

/**
 * Signed out: /sign-up, /sign-in, /forgot-password, /reset-password, /verified, /verify-email.
 * Either: /invite/:token (an invitation; leads to sign-up / sign-in and back, or to accepting),
 * /join/:token (an invite link; the same, then joins or asks to join).
 * Signed in (else /sign-in?next=...): /, /workspaces, /account,
 * /w/:wsId/{members,library,trash,notifications,api-keys,billing,audit,settings},
 * /w/:wsId/library/folders/:folderId, /w/:wsId/library/items/:itemId (an item's link).
 */
export const router = createBrowserRouter([
  { path: '/sign-up', element: <SignUpPage />, errorElement: <RouteError /> },
  { path: '/sign-in', element: <SignInPage />, errorElement: <RouteError /> },
  { path: '/forgot-password', element: <ForgotPasswordPage />, errorElement: <RouteError /> },
  { path: '/reset-password', element: <ResetPasswordPage />, errorElement: <RouteError /> },
  { path: '/verified', element: <VerifiedPage />, errorElement: <RouteError /> },
  { path: '/verify-email', element: <VerifyEmailPage />, errorElement: <RouteError /> },
  { path: '/invite/:token', element: <AcceptInvitePage />, errorElement: <RouteError /> },
  { path: '/join/:token', element: <JoinPage />, errorElement: <RouteError /> },
  {
    element: <RequireAuth />,
    errorElement: <RouteError />,
    children: [
      {
        element: <AppLayout />,
        children: [
          {
            errorElement: <RouteError inline />,
            children: [
              { index: true, element: <RootRedirect /> },
              { path: 'workspaces', element: <ManageWorkspacesPage /> },
              { path: 'account', element: <AccountPage /> },
              {
                path: 'w/:wsId',
                element: <WorkspaceGate />,
                children: [
                  { index: true, element: <Navigate to="members" replace /> },
                  { path: 'members', element: <MembersPage /> },
                  { path: 'library', element: <LibraryPage /> },
                  { path: 'library/folders/:folderId', element: <LibraryPage /> },
                  { path: 'library/items/:itemId', element: <ItemPage /> },
                  { path: 'trash', element: <TrashPage /> },
                  { path: 'notifications', element: <NotificationsPage /> },
                  { path: 'api-keys', element: <ApiKeysPage /> },
                  { path: 'billing', element: <BillingPage /> },
                  { path: 'audit', element: <AuditPage /> },
                  { path: 'settings', element: <SettingsPage /> },
                  { path: '*', element: <Navigate to="members" replace /> },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);
