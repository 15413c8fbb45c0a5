import { Badge, Group, ScrollArea, Select, Stack, Text } from '@mantine/core';
import { type ItemAccess, type Permission, roleLabels } from '../../../../../src/contract/index.ts';
import { isPermission, permissionLabels, permissionOptions } from '../access-text.ts';
import classes from '../library.module.css';
import { PersonLabel, SectionTitle, VIEWERS_NOTE } from './parts.tsx';

const grantOptions = [...permissionOptions, { value: 'remove', label: 'Remove' }];

/** The people added to this item directly: what the dialog edits. */
export function PeopleAdded({
  access,
  canShare,
  busy,
  meId,
  onChange,
}: {
  access: ItemAccess;
  canShare: boolean;
  busy: boolean;
  meId: string;
  onChange: (userId: string, value: Permission | 'remove') => void;
}) {
  return (
    <div className={classes.section}>
      <SectionTitle count={access.grants.length}>People added</SectionTitle>
      {access.grants.length === 0 ? (
        <Text size="sm" c="dimmed">
          No one has been added yet{canShare ? '. Add people above to share with them.' : '.'}
        </Text>
      ) : (
        <ScrollArea.Autosize mah={200} type="auto" offsetScrollbars="present">
          <Stack gap={0}>
            {access.grants.map((g) => {
              const capped = g.role === 'viewer' && g.permission === 'edit';
              return (
                <Group
                  key={g.userId}
                  justify="space-between"
                  wrap="nowrap"
                  className={classes.personRow}
                  data-testid="share-person"
                  data-email={g.email}
                >
                  <PersonLabel
                    name={g.name || g.email}
                    email={g.email}
                    you={g.userId === meId}
                    extra={roleLabels[g.role]}
                  />
                  <Stack gap={2} align="flex-end" style={{ flex: 'none' }}>
                    {canShare ? (
                      <Select
                        aria-label={`Access for ${g.email}`}
                        data={grantOptions}
                        value={g.permission}
                        onChange={(value) => {
                          if (value === 'remove' || isPermission(value)) {
                            if (value !== g.permission) onChange(g.userId, value);
                          }
                        }}
                        allowDeselect={false}
                        disabled={busy}
                        size="xs"
                        w={124}
                        comboboxProps={{ withinPortal: true }}
                      />
                    ) : (
                      <Badge variant="light" color="gray" tt="none">
                        {permissionLabels[g.permission]}
                      </Badge>
                    )}
                    {capped ? (
                      <Text size="xs" c="dimmed">
                        {VIEWERS_NOTE}
                      </Text>
                    ) : null}
                  </Stack>
                </Group>
              );
            })}
          </Stack>
        </ScrollArea.Autosize>
      )}
    </div>
  );
}
