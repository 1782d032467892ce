import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { ERRORS, type ErrorCode, errorMessage, type Locale, pickLocale } from '@linli/shared';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorFromApiToken, actorFromSession } from '../modules/auth/auth.service';
import type { Config } from './config';
import type { ServiceContext } from './context';
import type { FieldCrypto } from './crypto';
import type { Database } from './db';
import { isAppError } from './errors';
import { newId } from './ids';
import type { Actor } from './scope';
import { issuesOf, localiseServiceIssue, validatorCompiler } from './validation';
import { VERSION } from './version';

export const SESSION_COOKIE = 'linli_session';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    ctx: ServiceContext;
    locale: Locale;
  }
  interface FastifyContextConfig {
    /** `public`: no sign-in; `user`: any caller; default requires a caller who has set their own password. */
    access?: 'public' | 'temporary-password';
  }
}

export type AppDeps = { config: Config; database: Database; crypto: FieldCrypto };

const ANONYMOUS: Actor = {
  kind: 'user',
  userId: null,
  tokenId: null,
  name: 'anonymous',
  grants: [],
  sessionId: null,
  csrfToken: null,
  mustChangePassword: false,
};

export async function buildApp({ config, database, crypto }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    genReqId: () => newId(),
    // Clients never choose the request id: it ties a log line to an audit row.
    requestIdHeader: false,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyCookie);
  const securityHeaders = await helmetHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // antd writes its styles at run time; scripts stay same-origin only.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    hsts: config.secureCookies,
  });
  app.addHook('onRequest', (_req, reply, done) => {
    for (const [name, value] of securityHeaders) reply.raw.setHeader(name, value);
    done();
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Linli API', version: VERSION, description: '邻里 Linli — neighbourhood work platform' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.decorateRequest('ctx', null as unknown as ServiceContext);
  app.decorateRequest('locale', 'zh-CN');

  app.addHook('onRequest', async (req, reply) => {
    req.locale = pickLocale(req.headers['accept-language']);
    if (!req.url.startsWith('/api/') || req.url.startsWith('/api/docs')) return;
    const access = req.routeOptions.config?.access;
    // Public routes never look at credentials: a signed-in browser pays nothing extra for them.
    const actor = access === 'public' ? null : await authenticate(req, database, config);
    req.ctx = {
      db: database.db,
      config,
      crypto,
      actor: actor ?? ANONYMOUS,
      locale: req.locale,
      meta: { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, requestId: req.id },
    };
    if (access === 'public') return;
    if (!actor) return sendError(reply, req, 'auth.unauthenticated');
    if (
      actor.sessionId &&
      UNSAFE_METHODS.has(req.method) &&
      req.headers['x-csrf-token'] !== actor.csrfToken
    ) {
      return sendError(reply, req, 'auth.csrf');
    }
    if (actor.mustChangePassword && access !== 'temporary-password') {
      return sendError(reply, req, 'auth.password_change_required');
    }
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const locale = req.locale ?? 'zh-CN';
    if (isAppError(error)) {
      const details = error.details?.issues
        ? {
            ...error.details,
            issues: (error.details.issues as { path: string; code: string }[]).map((i) =>
              localiseServiceIssue(i, locale),
            ),
          }
        : error.details;
      return sendError(reply, req, error.code, error.params, details);
    }
    if (error.validation) {
      const issues = issuesOf(error.validation, locale) ?? [];
      return sendError(reply, req, 'request.validation', {}, { in: error.validationContext, issues });
    }
    const mapped = mapFrameworkError(error);
    if (mapped) return sendError(reply, req, mapped);
    req.log.error({ err: error }, 'unhandled error');
    return sendError(reply, req, 'internal.error');
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.method !== 'GET')
      return sendError(reply, req, 'request.route_not_found');
    // A missing hashed asset is a stale page asking for an old build: answer 404, not the app shell.
    if (!webRoot || req.url.startsWith('/assets/'))
      return reply.code(404).type('text/plain').send('Not found');
    // A resident's form page has its own light entry: the console's bundle is far too heavy for a phone.
    if (req.url.startsWith('/f/'))
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('form.html');
    // The console is a single-page app: every other GET is one of its routes.
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });

  const webRoot = findWebRoot();
  if (webRoot) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: ['index.html'],
      setHeaders(res, path) {
        res.header(
          'cache-control',
          path.includes(`${join('assets', '')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }

  const { registerRoutes } = await import('./routes');
  await registerRoutes(app, database);
  app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () =>
    app.swagger(),
  );
  return app;
}

/**
 * The headers helmet sets with these options, read once from a throwaway instance: registered as a
 * plugin, helmet builds its middleware anew for every request (options parsed, policy rendered),
 * though what it sets depends on the options alone (no nonces here).
 */
async function helmetHeaders(options: FastifyHelmetOptions): Promise<[string, string | number | string[]][]> {
  const probe = Fastify();
  await probe.register(fastifyHelmet, options);
  probe.get('/', async (_req, reply) => Object.entries(reply.raw.getHeaders()));
  const res = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  return res.json();
}

async function authenticate(req: FastifyRequest, database: Database, config: Config): Promise<Actor | null> {
  const bearer = req.headers.authorization;
  if (bearer?.startsWith('Bearer ')) return actorFromApiToken(database.db, bearer.slice(7).trim());
  const token = req.cookies[SESSION_COOKIE];
  return token ? actorFromSession(database.db, config, token) : null;
}

/**
 * PostgreSQL errors a request can cause by racing another one. Services check for duplicates under a
 * row lock, so these are the rare leftovers: answered as a conflict to retry, never as a 500.
 */
const RETRYABLE_SQLSTATES = new Set(['23505', '40001', '40P01']);

function mapFrameworkError(error: FastifyError): ErrorCode | null {
  const sqlState = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? error.code;
  if (sqlState && RETRYABLE_SQLSTATES.has(sqlState)) return 'request.conflict';
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'request.malformed';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request.too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'request.unsupported_media_type';
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return 'request.rate_limited';
  }
  if (error.statusCode === 429) return 'request.rate_limited';
  if (error instanceof SyntaxError || error.statusCode === 400) return 'request.malformed';
  if (error.statusCode === 413) return 'request.too_large';
  if (error.statusCode === 415) return 'request.unsupported_media_type';
  return null;
}

export function sendError(
  reply: FastifyReply,
  req: FastifyRequest,
  code: ErrorCode,
  params: Record<string, string | number> = {},
  details?: Record<string, unknown>,
) {
  const locale = req.locale ?? 'zh-CN';
  return reply
    .code(ERRORS[code].status)
    .type('application/json')
    .send({
      error: { code, message: errorMessage(code, locale, params), ...(details && { details }) },
      requestId: req.id,
    });
}

function findWebRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = resolve(dir, 'apps', 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const sibling = resolve(dir, '..', 'web', 'dist');
    if (existsSync(join(sibling, 'index.html'))) return sibling;
    dir = dirname(dir);
  }
  return null;
}
