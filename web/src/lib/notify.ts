import { notifications } from '@mantine/notifications';
import { errorMessage } from './api.ts';

export function notifySuccess(title: string, message?: string): void {
  notifications.show({ title, message: message ?? '', color: 'teal', autoClose: 4000, withBorder: true });
}

export function notifyError(error: unknown, title = 'Something went wrong'): void {
  notifications.show({
    title,
    message: errorMessage(error),
    color: 'red',
    autoClose: 7000,
    withBorder: true,
  });
}

/** A neutral notice (e.g. "the list was out of date and is refreshed"). */
export function notifyInfo(title: string, message?: string): void {
  notifications.show({ title, message: message ?? '', color: 'blue', autoClose: 6000, withBorder: true });
}
