import { Alert, Badge, Group, Select, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconBuilding, IconLock, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import type { GeneralAccess, Item, ItemAccess, Permission } from '../../../../../src/contract/index.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import {
  generalAccessLabel,
  isGeneralAccess,
  isPermission,
  permissionLabels,
  permissionOptions,
} from '../access-text.ts';
import classes from '../library.module.css';
import { SectionTitle, VIEWERS_NOTE } from './parts.tsx';

const generalIcons: Record<GeneralAccess, typeof IconLock> = {
  only_me: IconLock,
  selected: IconUsers,
  workspace: IconBuilding,
};

export function GeneralAccessSection({
  item,
  access,
  canShare,
  busy,
  isOwner,
  isAdmin,
  workspaceName,
  onChange,
}: {
  item: Item;
  access: ItemAccess;
  canShare: boolean;
  busy: boolean;
  isOwner: boolean;
  isAdmin: boolean;
  workspaceName: string;
  onChange: (body: { generalAccess?: GeneralAccess; workspacePermission?: Permission }) => void;
}) {
  const [confirmOnlyMe, setConfirmOnlyMe] = useState(false);
  const Icon = generalIcons[access.generalAccess];
  const options = (['only_me', 'selected', 'workspace'] as const).map((value) => ({
    value,
    label: generalAccessLabel(value, workspaceName),
  }));
  const who = isOwner ? 'Only you' : 'Only its owner';

  const description =
    access.generalAccess === 'only_me'
      ? `${who} (and Super Admins) can open this.`
      : access.generalAccess === 'selected'
        ? item.parentId
          ? 'Only people added, and people with access to the folder it is in, can open this.'
          : 'Only people added can open this.'
        : `Anyone in ${workspaceName} can ${access.workspacePermission === 'edit' ? 'edit' : 'view'} this${
            access.workspacePermission === 'edit' ? ` (${VIEWERS_NOTE.toLowerCase()})` : ''
          }.`;

  return (
    <div className={classes.section}>
      <SectionTitle>General access</SectionTitle>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon
          variant="light"
          color={access.generalAccess === 'workspace' ? 'teal' : 'gray'}
          size={34}
          radius="xl"
          style={{ flex: 'none' }}
        >
          <Icon size={18} />
        </ThemeIcon>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          {canShare ? (
            <Select
              aria-label="General access"
              data={options}
              value={access.generalAccess}
              onChange={(value) => {
                if (!isGeneralAccess(value) || value === access.generalAccess) return;
                // Choosing "Only me" on someone else's item shuts the chooser out too: ask first.
                if (value === 'only_me' && !isOwner && !isAdmin) setConfirmOnlyMe(true);
                else onChange({ generalAccess: value });
              }}
              allowDeselect={false}
              disabled={busy}
              size="sm"
              maw={320}
              comboboxProps={{ withinPortal: true }}
              data-testid="general-access"
            />
          ) : (
            <Text size="sm" fw={600} data-testid="general-access">
              {generalAccessLabel(access.generalAccess, workspaceName)}
            </Text>
          )}
          {access.grantsDormant ? null : (
            <Text size="xs" c="dimmed">
              {description}
            </Text>
          )}
        </Stack>
        {access.generalAccess === 'workspace' ? (
          canShare ? (
            <Select
              aria-label="Workspace permission"
              data={permissionOptions}
              value={access.workspacePermission}
              onChange={(value) => {
                if (isPermission(value) && value !== access.workspacePermission)
                  onChange({ workspacePermission: value });
              }}
              allowDeselect={false}
              disabled={busy}
              size="sm"
              w={124}
              style={{ flex: 'none' }}
              comboboxProps={{ withinPortal: true }}
              data-testid="workspace-permission"
            />
          ) : (
            <Badge variant="light" color="gray" tt="none" style={{ flex: 'none' }}>
              {permissionLabels[access.workspacePermission]}
            </Badge>
          )
        ) : null}
      </Group>
      {access.grantsDormant ? (
        <Alert
          color="yellow"
          variant="light"
          icon={<IconLock size={18} />}
          mt="sm"
          data-testid="grants-dormant"
        >
          {isOwner
            ? 'Only you (and Super Admins) can open this; people added keep their place but have no access until you share again.'
            : 'Only its owner (and Super Admins) can open this; people added keep their place but have no access until it is shared again.'}
        </Alert>
      ) : null}
      <ConfirmModal
        opened={confirmOnlyMe}
        onClose={() => setConfirmOnlyMe(false)}
        title="Make it “Only me”?"
        confirmLabel="Restrict access"
        color="orange"
        onConfirm={() => {
          setConfirmOnlyMe(false);
          onChange({ generalAccess: 'only_me' });
        }}
      >
        <Text size="sm">
          “Only me” means only its owner and Super Admins can open “{item.title}”. You will lose access to it
          too, and so will everyone added to it or to its folders.
        </Text>
      </ConfirmModal>
    </div>
  );
}
