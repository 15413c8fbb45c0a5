import { Modal, type ModalProps } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useRef } from 'react';

/** How many AppModals are open (a confirmation can open on top of a dialog). */
let openCount = 0;

/**
 * Where focus goes back to when a dialog closes: what had it when the dialog opened, except an
 * item of a menu, which goes with the menu: then the button that opened the menu (Mantine's
 * Menu.Target names its dropdown in `aria-controls`).
 */
function openerOf(active: Element | null): HTMLElement | null {
  if (!(active instanceof HTMLElement) || active === document.body) return null;
  const menu = active.closest('[role="menu"]');
  if (menu?.id) {
    const trigger = document.querySelector<HTMLElement>(`[aria-controls="${CSS.escape(menu.id)}"]`);
    if (trigger) return trigger;
  }
  return active;
}

/**
 * Mantine's Modal, plus what a native modal dialog does: while it is open, the page behind it
 * (#root; the modal itself is portalled to <body>) is hidden from assistive technology, so
 * screen readers, and role-based test selectors, see only the dialog; and when it closes, focus
 * goes back to what opened it, also when the dialog is only rendered while open or was opened from
 * a menu (Mantine's own return finds nothing then, and focus fell to <body>). Full-screen below 36em.
 */
export function AppModal(props: ModalProps) {
  const { opened } = props;
  // Phones get the whole screen: a centred dialog there clips its inputs.
  const phone = useMediaQuery('(max-width: 36em)') ?? false;
  // Read while rendering the opening: the dialog's focus trap moves focus in before any effect here.
  const opener = useRef<HTMLElement | null>(null);
  const wasOpened = useRef(false);
  if (opened && !wasOpened.current) opener.current = openerOf(document.activeElement);
  wasOpened.current = opened;
  useEffect(() => {
    if (!opened) return;
    const back = opener.current;
    const root = document.getElementById('root');
    if (root) {
      openCount += 1;
      root.setAttribute('aria-hidden', 'true');
    }
    return () => {
      if (root) {
        openCount -= 1;
        if (openCount === 0) root.removeAttribute('aria-hidden');
      }
      // After the close's own work (a menu closing, the modal's focus trap letting go).
      if (back) setTimeout(() => back.isConnected && back.focus(), 0);
    };
  }, [opened]);
  return (
    <Modal fullScreen={phone} closeButtonProps={{ 'aria-label': 'Close' }} returnFocus={false} {...props} />
  );
}
