import { Modal, type ModalProps } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect } from 'react';

/** How many AppModals are open (a confirmation can open on top of a dialog). */
let openCount = 0;

/**
 * Mantine's Modal, plus what a native modal dialog does: while it is open, the page behind it
 * (#root; the modal itself is portalled to <body>) is hidden from assistive technology, so
 * screen readers, and role-based test selectors, see only the dialog. Full-screen below 36em.
 */
export function AppModal(props: ModalProps) {
  const { opened } = props;
  // Phones get the whole screen: a centred dialog there clips its inputs.
  const phone = useMediaQuery('(max-width: 36em)') ?? false;
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
  return <Modal fullScreen={phone} closeButtonProps={{ 'aria-label': 'Close' }} {...props} />;
}
