import { Delegation, DelegationCreate, DelegationListQuery, DelegationRevoke, IdParams } from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createDelegation, listDelegations, revokeDelegation } from './delegations.service';

export const delegationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['delegations'];
  app.get(
    '/api/delegations',
    {
      schema: {
        operationId: 'listDelegations',
        tags,
        querystring: DelegationListQuery,
        response: { 200: z.object({ items: z.array(Delegation) }) },
      },
    },
    async (req) => ({ items: await listDelegations(req.ctx, req.query) }),
  );
  app.post(
    '/api/delegations',
    {
      schema: {
        operationId: 'createDelegation',
        tags,
        body: DelegationCreate,
        response: { 200: Delegation },
      },
    },
    async (req) => createDelegation(req.ctx, req.body),
  );
  app.post(
    '/api/delegations/:id/revoke',
    {
      schema: {
        operationId: 'revokeDelegation',
        tags,
        params: IdParams,
        body: DelegationRevoke,
        response: { 200: Delegation },
      },
    },
    async (req) => revokeDelegation(req.ctx, req.params.id, req.body.reason),
  );
};
