import {
  Anchor,
  AppShell,
  Burger,
  Container,
  Divider,
  Group,
  NavLink,
  ScrollArea,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { Logo } from '../../ui/logo.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { NotificationBell } from '../notifications/notification-bell.tsx';
import { CreateWorkspaceModal } from '../workspaces/create-workspace-modal.tsx';
import { useWorkspace } from '../workspaces/hooks.ts';
import { SeatsMeter } from '../workspaces/seats.tsx';
import { useActiveWorkspaceId } from '../workspaces/workspace-context.ts';
import { isGone } from '../workspaces/workspace-gate.tsx';
import { canOpenSection, type NavSection, navSections } from './nav.ts';
import classes from './shell.module.css';
import { UserMenu } from './user-menu.tsx';
import { VerifyBanner } from './verify-banner.tsx';
import { WorkspaceSwitcher } from './workspace-switcher.tsx';

const navGroups = [
  { group: 'workspace', title: 'Workspace' },
  { group: 'admin', title: 'Administration' },
] as const;

function SectionLink({
  section,
  workspaceId,
  pathname,
}: {
  section: NavSection;
  workspaceId: string;
  pathname: string;
}) {
  const to = `/w/${workspaceId}/${section.path}`;
  const active = pathname === to || pathname.startsWith(`${to}/`);
  const Icon = section.icon;
  return (
    <NavLink
      component={Link}
      to={to}
      label={section.label}
      leftSection={<Icon size={18} stroke={1.7} />}
      active={active}
      aria-current={active ? 'page' : undefined}
      className={classes.navLink}
    />
  );
}

/** The signed-in frame: header (brand, workspace switcher, user menu), navbar, verify banner. */
export function AppLayout() {
  const me = useSignedInUser();
  const location = useLocation();
  const activeId = useActiveWorkspaceId();
  const workspaceQuery = useWorkspace(activeId ?? undefined);
  const workspace = workspaceQuery.data;
  const role = me.workspaces.find((w) => w.id === activeId)?.role ?? workspace?.role;
  const [navOpened, nav] = useDisclosure(false);
  const [createOpened, createModal] = useDisclosure(false);

  // Close the mobile navbar after navigating.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on route change by design
  useEffect(() => nav.close(), [location.pathname]);

  // A workspace that failed to load (removed member, bad URL) gets no sidebar beside "Workspace not found".
  const hasNavbar = Boolean(activeId) && !isGone(workspaceQuery.error);

  return (
    <AppShell
      header={{ height: 64 }}
      navbar={{
        width: 248,
        breakpoint: 'sm',
        collapsed: { mobile: !navOpened || !hasNavbar, desktop: !hasNavbar },
      }}
      padding={0}
    >
      <AppShell.Header>
        <div className={classes.header}>
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            {hasNavbar ? (
              <Burger
                opened={navOpened}
                onClick={nav.toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label="Toggle navigation"
              />
            ) : null}
            <Anchor component={Link} to="/" underline="never" c="inherit" visibleFrom="xs">
              <Logo size={28} />
            </Anchor>
            <Divider orientation="vertical" my={14} visibleFrom="xs" />
            <WorkspaceSwitcher onCreate={createModal.open} />
          </Group>
          <Group gap={6} wrap="nowrap" style={{ flex: 'none' }}>
            <NotificationBell workspaceId={activeId ?? me.workspaces[0]?.id ?? null} />
            <UserMenu />
          </Group>
        </div>
      </AppShell.Header>

      {hasNavbar && activeId ? (
        <AppShell.Navbar p="md" aria-label="Workspace">
          <AppShell.Section grow component={ScrollArea}>
            {navGroups.map(({ group, title }) => {
              const items = navSections.filter((s) => s.group === group && canOpenSection(s, role));
              if (items.length === 0) return null;
              return (
                <div key={group} className={classes.navGroup}>
                  <Text
                    size="xs"
                    fw={600}
                    c="dimmed"
                    tt="uppercase"
                    px="sm"
                    mb={8}
                    style={{ letterSpacing: '0.04em' }}
                  >
                    {title}
                  </Text>
                  {items.map((item) => (
                    <SectionLink
                      key={item.path}
                      section={item}
                      workspaceId={activeId}
                      pathname={location.pathname}
                    />
                  ))}
                </div>
              );
            })}
          </AppShell.Section>
          {workspace ? (
            <AppShell.Section className={classes.seats}>
              <Text size="xs" fw={600} mb={6}>
                Seats
              </Text>
              <SeatsMeter seats={workspace.seats} seatsUsed={workspace.seatsUsed} width="100%" />
            </AppShell.Section>
          ) : null}
        </AppShell.Navbar>
      ) : null}

      <AppShell.Main className={classes.main}>
        <Container size="lg" py={{ base: 'lg', sm: 36 }} px={{ base: 'md', sm: 'xl' }}>
          <VerifyBanner />
          <Outlet />
        </Container>
      </AppShell.Main>

      <CreateWorkspaceModal opened={createOpened} onClose={createModal.close} />
    </AppShell>
  );
}
