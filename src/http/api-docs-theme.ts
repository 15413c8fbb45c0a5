/**
 * The look of /api/docs: Troupe's name, mark and colours instead of Swagger's stock top bar, logo
 * and favicon. Everything is served by @fastify/swagger-ui from these strings (no inline script, so
 * the page's CSP holds).
 */
const MARK_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#7c5cff"/><stop offset="1" stop-color="#e0478f"/></linearGradient></defs><rect width="32" height="32" rx="8" fill="url(#g)"/><path d="M12.5 9.8v12.4a1 1 0 0 0 1.5.86l10.2-6.2a1 1 0 0 0 0-1.72L14 8.94a1 1 0 0 0-1.5.86z" fill="#fff"/><circle cx="8.5" cy="16" r="2" fill="#fff" fill-opacity=".7"/></svg>`;

const CSS = `
body { margin: 0; background: #fafafb; }
.swagger-ui .topbar { background: #1f1a33; padding: 8px 0; }
.swagger-ui .topbar .download-url-wrapper { display: none; }
.swagger-ui .topbar-wrapper a { max-width: none; }
.swagger-ui .topbar-wrapper a::after { content: 'Troupe API'; color: #fff; font: 600 18px/1 system-ui, sans-serif; margin-left: 10px; }
.swagger-ui .topbar-wrapper img { height: 32px; width: 32px; }
.swagger-ui .info .title small.version-stamp { background: #6240e9; }
.swagger-ui .btn.authorize { color: #6240e9; border-color: #6240e9; }
.swagger-ui .btn.authorize svg { fill: #6240e9; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #6240e9; }
`;

export const apiDocsTheme = {
  logo: { type: 'image/svg+xml', content: Buffer.from(MARK_SVG), href: '/api/docs', target: '_self' },
  theme: {
    title: 'Troupe API',
    css: [{ filename: 'troupe.css', content: CSS }],
    favicon: [
      {
        filename: 'favicon.svg',
        rel: 'icon',
        sizes: 'any',
        type: 'image/svg+xml',
        content: Buffer.from(MARK_SVG),
      },
    ],
  },
} as const;
