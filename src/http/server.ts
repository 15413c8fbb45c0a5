import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { ViewCounter } from '../app/public/view-counter.ts';
import type { Db, Dialect } from '../data/db.ts';
import type { Auth } from '../infra/auth.ts';
import type { NotificationBus } from '../infra/bus.ts';
import type { Clock } from '../infra/clock.ts';
import type { Metrics } from '../infra/metrics.ts';
import type { PaymentProvider } from '../infra/payments.ts';
import type { SlugSealer } from '../infra/slug-sealer.ts';
import type { Storage } from '../infra/storage.ts';
import type { UnlockSigner } from '../infra/unlock-token.ts';
import { apiDocsTheme } from './api-docs-theme.ts';
import type { Authenticator } from './authenticate.ts';
import { createCsrfGuard } from './csrf.ts';
import { inputGuard } from './input-guard.ts';
import { type OpenApiDoc, withMediaTypes } from './openapi-media.ts';
import { withProblems } from './openapi-problems.ts';
import { clientErrorHandler, errorHandler, frameworkErrorHandler, problem, sendProblem } from './problem.ts';
import { redactUrl } from './redact-url.ts';
import { accountRoutes } from './routes/account.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { billingRoutes } from './routes/billing.ts';
import { devMailboxRoutes } from './routes/dev-mailbox.ts';
import { healthRoutes, type Readiness } from './routes/health.ts';
import { invitationRoutes } from './routes/invitations.ts';
import { inviteLinkRoutes } from './routes/invite-links.ts';
import { itemRoutes } from './routes/items.ts';
import { joinRequestRoutes } from './routes/join-requests.ts';
import { meRoutes } from './routes/me.ts';
import { memberRoutes } from './routes/members.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { notificationRoutes, type StreamOptions } from './routes/notifications.ts';
import { publicRoutes } from './routes/public.ts';
import { sharePageRoutes } from './routes/share-pages.ts';
import { suggestionRoutes } from './routes/suggestions.ts';
import { videoRoutes } from './routes/videos.ts';
import { workspaceRoutes } from './routes/workspaces.ts';
import { securityHeaders } from './security-headers.ts';
import { compiledSerializerCompiler } from './serializer.ts';

export interface ServerDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  payments: PaymentProvider;
  /** Tells the outbox worker that mail is waiting. */
  mailQueued(): void;
  auth: Auth;
  authn: Authenticator;
  /** Notification events to the open streams (after commit). */
  bus: NotificationBus;
  stream?: Partial<StreamOptions>;
  publicUrl: string;
  /** The server's secret (AUTH_SECRET): invite link tokens are derived from it. */
  linkSecret: string;
  production: boolean;
  /** Serve the dev mailbox (to loopback clients): outside production, with no SMTP_URL. */
  devMailbox: boolean;
  logLevel: string;
  /** Where the log goes (default stdout). */
  logStream?: { write(line: string): void };
  signInRateLimit: number;
  signUpRateLimit: number;
  signInFailureLimit: number;
  /** Fastify's trustProxy: whose X-Forwarded-For makes `req.ip` (see Config.trustProxy). */
  trustProxy: boolean | string[];
  /** Rate-limit counters shared by every node, when Redis is configured; else in this process. */
  rateLimitStore: { redis: Redis; keyPrefix: string } | null;
  /** Memory for cached members pages, in bytes (0: no cache). */
  membersPageCacheBytes: number;
  itemsPageCacheBytes: number;
  /** Video files and posters. */
  storage: Storage;
  /** Signs and checks public-page unlock cookies. */
  unlocks: UnlockSigner;
  /** Public-page slugs at rest: lookup hash and sealed copy. */
  slugs: SlugSealer;
  /** Public views, written in batches. */
  views: ViewCounter;
  /** The largest video file accepted, in bytes (MAX_VIDEO_BYTES). */
  maxVideoBytes: number;
  /** Stored objects were queued for removal: the sweeper should run soon. */
  storageChanged(): void;
  /** Built SPA to serve, when present. */
  webDist: string | null;
  /** Extra routes (benchmarks register their baseline here). */
  extraRoutes?: (app: FastifyInstance) => void;
  /** Whether each dependency answers now (GET /readyz). */
  readiness(): Promise<Readiness>;
  /** Prometheus metrics, when METRICS_TOKEN is set (then served at GET /metrics); else null. */
  metrics: Metrics | null;
  metricsToken: string | null;
  /** True once the node is shutting down: /readyz answers 503, answers close their connection. */
  isClosing(): boolean;
}

export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this server (HEAD routes included), in registration order. */
    routeTable: RegisteredRoute[];
  }
}

/** Paths whose responses no cache may keep: the API, and the dev mailbox. */
const NO_STORE = /^\/(api|dev)(\/|\?|$)/;

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
      },
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 256 * 1024,
    // req.ip (rate limits, logs) is the socket's peer unless TRUST_PROXY names the proxies in front.
    trustProxy: deps.trustProxy,
    // Path parameters of any length reach the route's schema (400 naming the parameter), rather
    // than the router's own 414 or 404; Node limits a request line to 16 KiB anyway.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    // Errors before routing (bad percent-encoding, ...) and before parsing: problem+json too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // While shutting down, a request that arrives on a connection opened before is still served
    // (and its connection closed after the answer, below) rather than refused with a 503 the
    // client would see as a failure: it costs one request per open connection.
    return503OnClosing: false,
  });
  // Every route as registered, for the access matrix test (test/access-matrix.test.ts) and tools.
  const routeTable: RegisteredRoute[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routeTable.push({ method, url: route.url });
  });
  // JSON routes take application/json only: a text/plain body is 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  // Responses by compiled schemas; outside production each is checked against zod too.
  app.setSerializerCompiler(compiledSerializerCompiler({ verify: !deps.production }));
  app.setErrorHandler(errorHandler);
  // One onSend hook for both (a hook more is a call more on every answer). Answers sent while the
  // node shuts down close their connection, so the client's next request opens one to a node that
  // is staying (and this one can exit). A session renewed by this request (once a day while used:
  // http/authenticate.ts) gets its cookie again with the new lifetime, so the browser keeps it as
  // long as the session lasts.
  app.addHook('onSend', (req, reply, payload, done) => {
    if (deps.isClosing()) reply.header('connection', 'close');
    deps.authn.addRenewedCookie(req, reply);
    done(null, payload);
  });
  const metrics = deps.metrics;
  if (metrics) {
    app.addHook('onResponse', (req, reply, done) => {
      // The route's pattern (`/api/items/:id`), never the URL: no ids or tokens become labels.
      metrics.observeRequest(
        req.method,
        req.routeOptions.url ?? 'unmatched',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
  // The security headers (computed once: src/http/security-headers.ts), the request id and, for
  // the API, no-store: one synchronous step. A route that sets one of them itself replaces it.
  const headers = securityHeaders(deps.publicUrl);
  app.addHook('onRequest', (req, reply, done) => {
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i] as [string, string];
      reply.header(h[0], h[1]);
    }
    reply.header('x-request-id', req.id);
    // API answers (errors too) carry personal data, and the dev mailbox live links: no cache may
    // keep them. A route that sets its own Cache-Control replaces this.
    if (NO_STORE.test(req.url)) reply.header('cache-control', 'no-store');
    done();
  });
  // No NUL or unpaired surrogate in any parameter, query string or body, no body nested over 32
  // levels (contract/text.ts).
  app.addHook('preValidation', inputGuard);

  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    // With Redis, a limit holds across nodes. Should Redis be unreachable, the limited routes
    // (sign-in, sign-up, resets, invitations) fail rather than go unlimited; others are unaffected.
    ...(deps.rateLimitStore
      ? { redis: deps.rateLimitStore.redis, nameSpace: `${deps.rateLimitStore.keyPrefix}rate-limit:` }
      : {}),
    errorResponseBuilder: (_req, ctx) => {
      const err = new Error(`Too many attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s`) as Error & {
        statusCode: number;
      };
      err.statusCode = 429;
      return err;
    },
  });
  app.addHook('onRequest', createCsrfGuard(deps.publicUrl, deps.authn.hasSessionCookie));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Troupe API',
        version: '1',
        description:
          'Workspaces, members, sharing and share pages. Errors are RFC 9457 problem+json with a stable `code`. ' +
          'Authenticate with the session cookie (browser) or `Authorization: Bearer <API key>`. ' +
          'No string may contain U+0000; names and titles are one line without control or bidirectional ' +
          'formatting characters (400 `validation` naming the field).',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'troupe.session_token' },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    // The bodies that are not JSON (uploads, files, posters, captions): openapi-media.ts; every
    // operation's problem+json errors: openapi-problems.ts.
    transformObject: (documents) =>
      withProblems(withMediaTypes((documents as { openapiObject: OpenApiDoc }).openapiObject)),
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Swagger UI sets inline styles as it renders (blocked, and logged as a CSP error, without this).
    transformStaticCSP: (header: string) =>
      header.replace(/style-src ([^;]*)/, (_m, v: string) =>
        v.includes("'unsafe-inline'") ? `style-src ${v}` : `style-src ${v.trim()} 'unsafe-inline' `,
      ),
    ...apiDocsTheme,
    logo: { ...apiDocsTheme.logo },
    theme: {
      ...apiDocsTheme.theme,
      css: [...apiDocsTheme.theme.css],
      favicon: [...apiDocsTheme.theme.favicon],
    },
    uiConfig: { deepLinking: true, displayRequestDuration: true, tryItOutEnabled: false },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  healthRoutes(app, deps);
  authRoutes(app, deps);
  meRoutes(app, deps);
  accountRoutes(app, deps);
  workspaceRoutes(app, deps);
  memberRoutes(app, deps);
  invitationRoutes(app, deps);
  inviteLinkRoutes(app, deps);
  joinRequestRoutes(app, deps);
  suggestionRoutes(app, deps);
  billingRoutes(app, deps);
  apiKeyRoutes(app, deps);
  auditRoutes(app, deps);
  itemRoutes(app, deps);
  await videoRoutes(app, deps);
  sharePageRoutes(app, deps);
  publicRoutes(app, deps);
  notificationRoutes(app, deps);
  if (deps.devMailbox) devMailboxRoutes(app, deps);
  if (deps.metrics && deps.metricsToken)
    metricsRoutes(app, { metrics: deps.metrics, metricsToken: deps.metricsToken });
  deps.extraRoutes?.(app);

  const index = deps.webDist ? join(deps.webDist, 'index.html') : null;
  if (deps.webDist) {
    // Files are looked up per request (wildcard), so a web build made while the server runs is
    // served at once, without a restart.
    await app.register(fastifyStatic, {
      root: deps.webDist,
      wildcard: true,
      index: false,
      dotfiles: 'ignore',
      // The build writes a Brotli and a gzip copy of each script and stylesheet (web/precompress.ts):
      // sent as they are to a browser that accepts them (about a quarter of the bytes), the file
      // itself to one that does not; `Vary: Accept-Encoding` either way.
      preCompressed: true,
      setHeaders: (res, path) => {
        // Vite names built assets by content hash: cache them for good; never cache the page itself.
        res.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    app.get('/', { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // Server paths never fall back to the web app (so /metrics without METRICS_TOKEN is a 404).
    const isApi =
      path.startsWith('/api/') ||
      path === '/api' ||
      path.startsWith('/dev/') ||
      path.startsWith('/assets/') ||
      path === '/metrics';
    if (!isApi && (req.method === 'GET' || req.method === 'HEAD') && index && existsSync(index)) {
      // Client-side routes of the single-page app.
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendProblem(reply, problem('not_found', `No route for ${req.method} ${path}`));
  });
  return app;
}
