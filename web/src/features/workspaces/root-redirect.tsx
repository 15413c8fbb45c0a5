import { Navigate } from 'react-router-dom';
import { getLastWorkspace } from '../../lib/last-workspace.ts';
import { useSignedInUser } from '../auth/use-me.ts';

/** `/`: back to the workspace this user last used, or to Manage workspaces when there is none. */
export function RootRedirect() {
  const me = useSignedInUser();
  const last = getLastWorkspace(me.id);
  if (last && me.workspaces.some((w) => w.id === last)) return <Navigate to={`/w/${last}`} replace />;
  return <Navigate to="/workspaces" replace />;
}
