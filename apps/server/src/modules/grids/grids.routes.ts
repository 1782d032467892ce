import { Grid, GridCreate, GridListQuery, GridUpdate, IdParams } from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createGrid, listGrids, updateGrid } from './grids.service';

export const gridsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['grids'];
  app.get(
    '/api/grids',
    {
      schema: {
        operationId: 'listGrids',
        tags,
        querystring: GridListQuery,
        response: { 200: z.object({ items: z.array(Grid) }) },
      },
    },
    async (req) => ({ items: await listGrids(req.ctx, req.query.communityId) }),
  );
  app.post(
    '/api/grids',
    { schema: { operationId: 'createGrid', tags, body: GridCreate, response: { 200: Grid } } },
    async (req) => createGrid(req.ctx, req.body),
  );
  app.patch(
    '/api/grids/:id',
    {
      schema: {
        operationId: 'updateGrid',
        tags,
        params: IdParams,
        body: GridUpdate,
        response: { 200: Grid },
      },
    },
    async (req) => updateGrid(req.ctx, req.params.id, req.body),
  );
};
