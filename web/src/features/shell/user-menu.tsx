import { Avatar, Box, Group, Menu, Text, UnstyledButton, useMantineColorScheme } from '@mantine/core';
import { IconChevronDown, IconLogout, IconMoon, IconSun, IconUserCircle } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { useSignOut } from '../auth/hooks.ts';
import { useSignedInUser } from '../auth/use-me.ts';
import classes from './shell.module.css';

/** The signed-in person: name and email, colour scheme, sign out. */
export function UserMenu() {
  const me = useSignedInUser();
  const signOut = useSignOut();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const dark = colorScheme === 'dark';

  return (
    <Menu position="bottom-end" width={290} offset={6} withinPortal>
      <Menu.Target>
        <UnstyledButton className={classes.trigger} data-testid="user-menu">
          <Avatar name={me.name} color="initials" radius="xl" size={32} />
          <Text size="sm" fw={600} truncate="end" maw={160} visibleFrom="sm">
            {me.name}
          </Text>
          <IconChevronDown size={14} color="var(--mantine-color-dimmed)" style={{ flex: 'none' }} />
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Group gap="sm" px="sm" py="xs" wrap="nowrap">
          <Avatar name={me.name} color="initials" radius="xl" size={38} />
          <Box style={{ minWidth: 0 }}>
            <Text size="sm" fw={600} truncate="end">
              {me.name}
            </Text>
            <Text size="xs" c="dimmed" truncate="end">
              {me.email}
            </Text>
          </Box>
        </Group>
        <Menu.Divider />
        <Menu.Item component={Link} to="/account" leftSection={<IconUserCircle size={16} />}>
          Your account
        </Menu.Item>
        <Menu.Item
          leftSection={dark ? <IconSun size={16} /> : <IconMoon size={16} />}
          onClick={() => setColorScheme(dark ? 'light' : 'dark')}
        >
          {dark ? 'Light mode' : 'Dark mode'}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          leftSection={<IconLogout size={16} />}
          onClick={() => signOut.mutate()}
          disabled={signOut.isPending}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
