import {
  Button,
  EmptyState,
  Group,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { IconLock, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useBlocker } from 'react-router-dom';
import { UpdateWorkspaceBody, type Workspace } from '../../../../src/contract/index.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { ConfirmModal } from '../../ui/confirm-modal.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useCompanyDomainOptions, useUpdateWorkspace } from '../workspaces/hooks.ts';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import { DeleteWorkspaceModal } from './delete-workspace-modal.tsx';

/** Workspace settings (Super Admin only): name, approval for link joins, company domain; delete. */
export function SettingsPage() {
  const workspace = useCurrentWorkspace();
  useDocumentTitle(`Settings · ${workspace.name} · Troupe`);

  if (workspace.role !== 'super_admin') {
    return (
      <EmptyState
        py={80}
        size="lg"
        variant="light"
        icon={<IconLock size={28} stroke={1.6} />}
        title="Only Super Admins can change settings"
        description={`Ask a Super Admin of ${workspace.name} if something here needs to change.`}
      >
        <EmptyState.Actions>
          <Button component={Link} to={`/w/${workspace.id}/members`} variant="default">
            Back to the workspace
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }

  return (
    <>
      <PageHeader title="Settings" description={`Manage how ${workspace.name} works for everyone in it.`} />
      <Stack gap="xl">
        <GeneralSettings key={workspace.id} workspace={workspace} />
        <DangerZone workspace={workspace} />
      </Stack>
    </>
  );
}

interface Values {
  name: string;
  requireApproval: boolean;
  companyDomain: string;
}

const fromWorkspace = (w: Workspace): Values => ({
  name: w.name,
  requireApproval: w.requireApproval,
  companyDomain: w.companyDomain ?? '',
});

/** Only the fields that changed, in the shape PATCH /api/workspaces/:ws takes. */
function changes(values: Values, w: Workspace): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (values.name.trim() !== w.name) body.name = values.name;
  if (values.requireApproval !== w.requireApproval) body.requireApproval = values.requireApproval;
  const domain = values.companyDomain.trim().toLowerCase() || null;
  if (domain !== (w.companyDomain ?? null)) body.companyDomain = domain;
  return body;
}

function GeneralSettings({ workspace }: { workspace: Workspace }) {
  const update = useUpdateWorkspace(workspace.id);
  const [values, setValues] = useState<Values>(() => fromWorkspace(workspace));
  const [errors, setErrors] = useState<FieldErrors>({});
  const body = changes(values, workspace);
  const dirty = Object.keys(body).length > 0;
  // Leaving with unsaved changes asks first: in the app (the router's blocker) and when the tab
  // closes or reloads (the browser's own prompt).
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  const set = <K extends keyof Values>(field: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors(({ [field]: _, ...rest }) => rest);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(UpdateWorkspaceBody, body);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    update.mutate(result.data, {
      onSuccess: (saved) => {
        setValues(fromWorkspace(saved));
        setErrors({});
        notifySuccess('Settings saved', `${saved.name} is up to date.`);
      },
      onError: (error) => {
        const { fields, form } = serverErrors(error, ['name', 'requireApproval', 'companyDomain']);
        setErrors(fields);
        if (form) notifyError(error, "Couldn't save settings");
        else
          notifyError(
            new Error('Nothing was changed. Fix the highlighted field and try again.'),
            "Couldn't save settings",
          );
      },
    });
  };

  return (
    <Paper withBorder component="form" onSubmit={onSubmit} noValidate style={{ overflow: 'hidden' }}>
      <Stack gap="lg" p={{ base: 'lg', sm: 'xl' }}>
        <div>
          <Title order={3} fz="lg">
            General
          </Title>
          <Text size="sm" c="dimmed">
            These apply to everyone in the workspace.
          </Text>
        </div>
        <TextInput
          label="Workspace name"
          maw={480}
          value={values.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          error={errors.name}
        />
        <Switch
          label="Require approval for link joins"
          description="People who join with the invite link wait until a Super Admin approves them. Email invitations never need approval."
          checked={values.requireApproval}
          onChange={(e) => set('requireApproval', e.currentTarget.checked)}
          error={errors.requireApproval}
          size="md"
        />
        <CompanyDomainField
          workspace={workspace}
          value={values.companyDomain}
          onChange={(v) => set('companyDomain', v)}
          error={errors.companyDomain}
        />
      </Stack>
      <Group
        justify="space-between"
        px={{ base: 'lg', sm: 'xl' }}
        py="md"
        bg="light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-6))"
        style={{
          borderTop: '1px solid light-dark(var(--mantine-color-gray-3), var(--mantine-color-dark-4))',
        }}
      >
        <Text size="sm" c="dimmed">
          {dirty ? 'You have unsaved changes.' : 'All changes saved.'}
        </Text>
        <Group gap="sm">
          {dirty ? (
            <Button
              variant="default"
              onClick={() => {
                setValues(fromWorkspace(workspace));
                setErrors({});
              }}
              disabled={update.isPending}
            >
              Discard
            </Button>
          ) : null}
          <Button type="submit" disabled={!dirty} loading={update.isPending}>
            Save
          </Button>
        </Group>
      </Group>
      <ConfirmModal
        opened={blocker.state === 'blocked'}
        onClose={() => blocker.reset?.()}
        title="Leave without saving?"
        confirmLabel="Leave without saving"
        color="orange"
        onConfirm={() => blocker.proceed?.()}
      >
        <Text size="sm">Your changes to the settings of {workspace.name} haven't been saved.</Text>
      </ConfirmModal>
    </Paper>
  );
}

function DangerZone({ workspace }: { workspace: Workspace }) {
  const [opened, modal] = useDisclosure(false);
  return (
    <Paper withBorder p={{ base: 'lg', sm: 'xl' }} style={{ borderColor: 'var(--mantine-color-red-4)' }}>
      <Title order={3} fz="lg" c="red.9" mb="md">
        Danger zone
      </Title>
      <Group justify="space-between" align="center" gap="lg" wrap="wrap">
        <div style={{ flex: '1 1 320px' }}>
          <Text fw={600} size="sm">
            Delete this workspace
          </Text>
          <Text size="sm" c="dimmed">
            Deletes {workspace.name} for everyone in it, with all of its folders, drafts and videos. This
            can't be undone.
          </Text>
        </div>
        <Button color="red" variant="outline" leftSection={<IconTrash size={16} />} onClick={modal.open}>
          Delete workspace
        </Button>
      </Group>
      <DeleteWorkspaceModal workspace={workspace} opened={opened} onClose={modal.close} />
    </Paper>
  );
}

/**
 * The company domain: chosen from what the server accepts (the domains of the Super Admins'
 * verified emails, public providers left out), so Save never fails on it. With nothing to offer
 * the field is disabled and says why; a domain set earlier that no longer qualifies (its Super
 * Admin left) stays listed, so the page shows what is set and can clear it.
 */
function CompanyDomainField({
  workspace,
  value,
  onChange,
  error,
}: {
  workspace: Workspace;
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  const options = useCompanyDomainOptions(workspace.id, true);
  const offered = options.data?.options ?? [];
  const data = value && !offered.includes(value) ? [value, ...offered] : offered;
  const none = options.isSuccess && data.length === 0;
  return (
    <Select
      label="Company domain"
      placeholder={none ? 'No domain to choose' : 'None: no suggestions'}
      inputWrapperOrder={['label', 'input', 'error', 'description']}
      maw={480}
      data={data}
      value={value || null}
      onChange={(v) => onChange(v ?? '')}
      clearable
      disabled={none || options.isPending}
      description={
        none
          ? "A company domain is the domain of a Super Admin's verified email, never a public email provider: none of this workspace's Super Admins has one yet (verify your email, or use a work address)."
          : "Suggest teammates who sign up with an email at this domain: the domains of the Super Admins' verified emails. Clear it to turn suggestions off."
      }
      error={error ?? (options.isError ? "Couldn't load the domains you can choose" : undefined)}
      data-testid="company-domain"
    />
  );
}
