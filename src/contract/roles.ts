import { z } from 'zod';

export const roles = ['super_admin', 'developer', 'creator', 'viewer'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export const roleLabels: Record<Role, string> = {
  super_admin: 'Super Admin',
  developer: 'Developer',
  creator: 'Creator',
  viewer: 'Viewer',
};
