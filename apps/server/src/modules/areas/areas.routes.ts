import { AreaArchive, AreaCreate, AreaNode, AreaTree, AreaUpdate, IdParams, Ok } from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { archiveArea, createArea, getArea, getAreaTree, updateAreaNode } from './areas.service';

export const areasRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['areas'];
  app.get(
    '/api/areas/tree',
    { schema: { operationId: 'getAreaTree', tags, response: { 200: AreaTree } } },
    async (req) => ({ nodes: await getAreaTree(req.ctx) }),
  );
  app.post(
    '/api/areas',
    { schema: { operationId: 'createArea', tags, body: AreaCreate, response: { 200: AreaNode } } },
    async (req) => createArea(req.ctx, req.body),
  );
  app.get(
    '/api/areas/:id',
    { schema: { operationId: 'getArea', tags, params: IdParams, response: { 200: AreaNode } } },
    async (req) => getArea(req.ctx, req.params.id),
  );
  app.patch(
    '/api/areas/:id',
    {
      schema: {
        operationId: 'updateArea',
        tags,
        params: IdParams,
        body: AreaUpdate,
        response: { 200: AreaNode },
      },
    },
    async (req) => updateAreaNode(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/areas/:id/archive',
    {
      schema: {
        operationId: 'archiveArea',
        tags,
        params: IdParams,
        body: AreaArchive,
        response: { 200: Ok },
      },
    },
    async (req) => {
      await archiveArea(req.ctx, req.params.id, req.body.version);
      return { ok: true as const };
    },
  );
};
