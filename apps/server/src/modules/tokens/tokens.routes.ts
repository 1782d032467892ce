import { ApiToken, ApiTokenCreate, ApiTokenCreated, IdParams } from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createToken, listTokens, revokeToken } from './tokens.service';

export const tokensRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['tokens'];
  app.get(
    '/api/api-tokens',
    {
      schema: {
        operationId: 'listApiTokens',
        tags,
        response: { 200: z.object({ items: z.array(ApiToken) }) },
      },
    },
    async (req) => ({ items: await listTokens(req.ctx) }),
  );
  app.post(
    '/api/api-tokens',
    {
      schema: {
        operationId: 'createApiToken',
        tags,
        body: ApiTokenCreate,
        response: { 200: ApiTokenCreated },
      },
    },
    async (req) => createToken(req.ctx, req.body),
  );
  app.post(
    '/api/api-tokens/:id/revoke',
    { schema: { operationId: 'revokeApiToken', tags, params: IdParams, response: { 200: ApiToken } } },
    async (req) => revokeToken(req.ctx, req.params.id),
  );
};
