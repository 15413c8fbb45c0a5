export * from './auth.ts';
export * from './common.ts';
export * from './errors.ts';
export * from './items.ts';
export * from './me.ts';
export * from './members.ts';
export * from './roles.ts';
export * from './workspaces.ts';
