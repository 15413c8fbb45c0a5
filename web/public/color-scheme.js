// Apply the saved colour scheme before first paint, so dark-mode users see no white flash.
// Uses the key of Mantine's localStorageColorSchemeManager. A file (not inline) so a strict CSP allows it.
(() => {
  try {
    const saved = localStorage.getItem('mantine-color-scheme-value');
    const dark = saved === 'dark' || (saved === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches);
    document.documentElement.setAttribute('data-mantine-color-scheme', dark ? 'dark' : 'light');
  } catch {
    // Storage blocked: keep the light default.
  }
})();
