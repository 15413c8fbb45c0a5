import { type CSSVariablesResolver, createTheme, type MantineColorsTuple } from '@mantine/core';

/** Troupe violet: the brand colour (#6240e9 at shade 6). */
const brand: MantineColorsTuple = [
  '#f2efff',
  '#e1dbfd',
  '#c0b3f7',
  '#9d88f2',
  '#7f63ed',
  '#6c4bea',
  '#6240e9',
  '#5233d0',
  '#4829ba',
  '#3c22a4',
];

const fontStack =
  'Inter, ui-sans-serif, system-ui, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 6, dark: 5 },
  colors: { brand },
  fontFamily: fontStack,
  headings: { fontFamily: fontStack, fontWeight: '650' },
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    Button: { defaultProps: { radius: 'md' } },
    Badge: { defaultProps: { radius: 'sm' } },
    Paper: { defaultProps: { radius: 'lg' } },
    Card: { defaultProps: { radius: 'lg' } },
    Modal: {
      defaultProps: { radius: 'lg', centered: true, overlayProps: { backgroundOpacity: 0.45, blur: 2 } },
    },
    // Opening a menu focuses its first item (as ARIA's menu pattern does), not an empty
    // role="presentation" placeholder, which no role="menu" may hold (axe-core: critical).
    Menu: { defaultProps: { radius: 'md', shadow: 'lg', withInitialFocusPlaceholder: false } },
    Tooltip: { defaultProps: { openDelay: 300 } },
    // Toasts: the close button has a name (axe-core: critical without one), and the text under a
    // title is the dimmed colour above (Mantine's gray-6 is 3.3:1 on white).
    Notification: {
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
      styles: { description: { color: 'var(--mantine-color-dimmed)' } },
    },
    // A list that scrolls only up and down is as wide as its box, never as its longest line: an
    // autosized ScrollArea's content is `min-width: min-content` otherwise, so one long name or
    // email pushed the row's controls out of view (and a one-line truncated text never truncated).
    ScrollArea: {
      styles: (_theme: unknown, props: { scrollbars?: unknown }) =>
        props.scrollbars === 'y' ? { content: { minWidth: 0 } } : {},
    },
  },
});

/**
 * Text on light backgrounds at WCAG AA contrast (4.5:1; axe-core checks every page): dimmed text,
 * light badges and alerts, and outlines one shade or more darker than Mantine's defaults.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => {
  // Shade 9 darkened a quarter: at least 4.5:1 on white and on the colour's own light background
  // (shade 9 alone is 4.3:1 on teal-1, and under 4:1 for orange and yellow).
  const strong = (c: string) => `color-mix(in srgb, var(--mantine-color-${c}-9), black 25%)`;
  return {
    variables: {},
    light: {
      '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
      ...Object.fromEntries(
        Object.keys(t.colors).flatMap((c) => [
          [`--mantine-color-${c}-light-color`, strong(c)],
          [`--mantine-color-${c}-outline`, strong(c)],
          [`--mantine-color-${c}-text`, strong(c)],
        ]),
      ),
    },
    dark: {},
  };
};
