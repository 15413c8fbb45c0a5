import { Badge, Group, ScrollArea, Select, Stack, Text } from '@mantine/core';
import { type ItemAccess, type Permission, roleLabels } from '../../../../../src/contract/index.ts';
import { isPermission, permissionLabels, permissionOptions } from '../access-text.ts';
import classes from '../library.module.css';
import { PersonLabel, SectionTitle, VIEWERS_NOTE } from './parts.tsx';

const grantOptions = [...permissionOptions, { value: 'remove', label: 'Remove' }];
/** A Viewer can only view (SPEC §3): "Can edit" is offered disabled, with the reason in its label. */
const viewerGrantOptions = [
  { value: 'view', label: 'Can view' },
  { value: 'edit', label: `Can edit (${VIEWERS_NOTE.toLowerCase()})`, disabled: true },
  { value: 'remove', label: 'Remove' },
];

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
        <ScrollArea.Autosize
          mah={200}
          type="auto"
          scrollbars="y"
          offsetScrollbars="present"
          viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'People added' }}
        >
          <Stack gap={0}>
            {access.grants.map((g) => {
              const isViewer = g.role === 'viewer';
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
                        data={isViewer ? viewerGrantOptions : grantOptions}
                        // A Viewer's old edit grant acts as view: show what it does.
                        value={isViewer ? 'view' : g.permission}
                        onChange={(value) => {
                          if (value === 'remove' || isPermission(value)) {
                            if (value !== (isViewer ? 'view' : g.permission)) onChange(g.userId, value);
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
                        {permissionLabels[isViewer ? 'view' : g.permission]}
                      </Badge>
                    )}
                    {isViewer ? (
                      <Text size="xs" c="dimmed" data-testid="viewer-reason">
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
