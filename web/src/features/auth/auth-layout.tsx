import { Anchor, Box, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconLock, IconShare3, IconUsersGroup } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Logo } from '../../ui/logo.tsx';
import classes from './auth-layout.module.css';

const features = [
  {
    icon: IconUsersGroup,
    title: 'Bring your whole team',
    text: 'Invite teammates by email or link, approve requests and manage seats in one place.',
  },
  {
    icon: IconLock,
    title: 'Roles that make sense',
    text: 'Super Admins, Developers, Creators and Viewers, each seeing exactly what they should.',
  },
  {
    icon: IconShare3,
    title: 'Share with confidence',
    text: 'Share folders, drafts and videos, then publish a finished video to the web.',
  },
];

/** The split-screen frame of every signed-out page: brand story on the left, the task on the right. */
export function AuthLayout({
  title,
  subtitle,
  documentTitle,
  children,
  footer,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  documentTitle: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  useDocumentTitle(`${documentTitle} · Troupe`);
  return (
    <div className={classes.root}>
      <aside className={classes.brand}>
        <Anchor component={Link} to="/" underline="never" style={{ position: 'relative', zIndex: 1 }}>
          <Logo size={30} inverted />
        </Anchor>
        <Stack gap={36} style={{ position: 'relative', zIndex: 1 }}>
          <div className={classes.headline}>One place for your team's videos: upload, share, publish.</div>
          <Stack gap="lg">
            {features.map(({ icon: Icon, title: featureTitle, text }) => (
              <div key={featureTitle} className={classes.feature}>
                <div className={classes.featureIcon}>
                  <Icon size={18} stroke={1.8} />
                </div>
                <div>
                  <Text fw={600} size="sm">
                    {featureTitle}
                  </Text>
                  <Text size="sm" style={{ opacity: 0.8 }}>
                    {text}
                  </Text>
                </div>
              </div>
            ))}
          </Stack>
        </Stack>
        <Text size="xs" style={{ opacity: 0.65, position: 'relative', zIndex: 1 }}>
          Self-hosted Troupe · your videos stay on your servers
        </Text>
      </aside>
      <main className={classes.main}>
        <div className={classes.panel}>
          <Box className={classes.mobileLogo}>
            <Anchor component={Link} to="/" underline="never" c="inherit">
              <Logo size={30} />
            </Anchor>
          </Box>
          <Title order={1} fz={28} mb={subtitle ? 6 : 'xl'} style={{ letterSpacing: '-0.01em' }}>
            {title}
          </Title>
          {subtitle ? (
            <Text c="dimmed" mb="xl">
              {subtitle}
            </Text>
          ) : null}
          {children}
          {footer ? (
            <Text size="sm" c="dimmed" ta="center" mt="xl">
              {footer}
            </Text>
          ) : null}
        </div>
      </main>
    </div>
  );
}
