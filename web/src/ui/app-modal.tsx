import { Modal, type ModalProps } from '@mantine/core';
import { useEffect } from 'react';

/** How many AppModals are open (a confirmation can open on top of a dialog). */
let openCount = 0;

/**
 * Mantine's Modal, plus what a native modal dialog does: while it is open, the page behind it
 * (#root; the modal itself is portalled to <body>) is hidden from assistive technology, so
 * screen readers, and role-based test selectors, see only the dialog.
 */
export function AppModal(props: ModalProps) {
  const { opened } = props;
  useEffect(() => {
    if (!opened) return;
    const root = document.getElementById('root');
    if (!root) return;
    openCount += 1;
    root.setAttribute('aria-hidden', 'true');
    return () => {
      openCount -= 1;
      if (openCount === 0) root.removeAttribute('aria-hidden');
    };
  }, [opened]);
  return <Modal {...props} />;
}
