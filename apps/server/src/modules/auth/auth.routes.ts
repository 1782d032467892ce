import { ChangePasswordBody, LoginBody, Me, Ok } from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from '../../platform/http';
import { actorFromSession, changePassword, getMe, login, logout } from './auth.service';

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { operationId: 'login', tags: ['auth'], security: [], body: LoginBody, response: { 200: Me } },
    },
    async (req, reply) => {
      const { config } = req.ctx;
      const { token } = await login(req.ctx, req.body);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: config.secureCookies,
        path: '/',
        maxAge: config.sessionTtlHours * 3600,
      });
      const actor = await actorFromSession(req.ctx.db, config, token);
      return getMe({ ...req.ctx, actor: actor! });
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'temporary-password' },
      schema: { operationId: 'logout', tags: ['auth'], response: { 200: Ok } },
    },
    async (req, reply) => {
      await logout(req.ctx);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.get(
    '/api/me',
    {
      config: { access: 'temporary-password' },
      schema: { operationId: 'getMe', tags: ['auth'], response: { 200: Me } },
    },
    async (req) => getMe(req.ctx),
  );

  app.post(
    '/api/me/password',
    {
      config: { access: 'temporary-password' },
      schema: {
        operationId: 'changePassword',
        tags: ['auth'],
        body: ChangePasswordBody,
        response: { 200: Ok },
      },
    },
    async (req) => {
      await changePassword(req.ctx, req.body.currentPassword, req.body.newPassword);
      return { ok: true as const };
    },
  );
};
