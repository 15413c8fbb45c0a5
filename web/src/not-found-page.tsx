import { Button, Center, EmptyState } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconMapOff } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  useDocumentTitle('Page not found · Troupe');
  return (
    <Center mih="100vh" p="md">
      <EmptyState
        size="lg"
        variant="light"
        icon={<IconMapOff size={28} stroke={1.6} />}
        title="Page not found"
        description="The page you're looking for doesn't exist or has moved."
      >
        <EmptyState.Actions>
          <Button component={Link} to="/">
            Go to Troupe
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Center>
  );
}
