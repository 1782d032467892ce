import {
  GrantInput,
  GrantParams,
  IdParams,
  Ok,
  page,
  ResetPasswordBody,
  User,
  UserCreate,
  UserListQuery,
  UserUpdate,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  createUser,
  getUser,
  grantRole,
  listUsers,
  resetPassword,
  revokeRole,
  updateUser,
} from './users.service';

export const usersRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['users'];
  app.get(
    '/api/users',
    { schema: { operationId: 'listUsers', tags, querystring: UserListQuery, response: { 200: page(User) } } },
    async (req) => listUsers(req.ctx, req.query),
  );
  app.post(
    '/api/users',
    { schema: { operationId: 'createUser', tags, body: UserCreate, response: { 200: User } } },
    async (req) => createUser(req.ctx, req.body),
  );
  app.get(
    '/api/users/:id',
    { schema: { operationId: 'getUser', tags, params: IdParams, response: { 200: User } } },
    async (req) => getUser(req.ctx, req.params.id),
  );
  app.patch(
    '/api/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        tags,
        params: IdParams,
        body: UserUpdate,
        response: { 200: User },
      },
    },
    async (req) => updateUser(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/users/:id/reset-password',
    {
      schema: {
        operationId: 'resetPassword',
        tags,
        params: IdParams,
        body: ResetPasswordBody,
        response: { 200: Ok },
      },
    },
    async (req) => {
      await resetPassword(req.ctx, req.params.id, req.body.newPassword);
      return { ok: true as const };
    },
  );
  app.post(
    '/api/users/:id/grants',
    {
      schema: { operationId: 'grantRole', tags, params: IdParams, body: GrantInput, response: { 200: User } },
    },
    async (req) => grantRole(req.ctx, req.params.id, req.body.role, req.body.areaId),
  );
  app.post(
    '/api/users/:id/grants/:grantId/revoke',
    { schema: { operationId: 'revokeRole', tags, params: GrantParams, response: { 200: User } } },
    async (req) => revokeRole(req.ctx, req.params.id, req.params.grantId),
  );
};
