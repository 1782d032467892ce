import {
  DedupeCandidateList,
  DedupeCandidatesQuery,
  DedupeComparison,
  DedupePairBody,
  DedupePairQuery,
  IdParams,
  MergeListQuery,
  MergeRecord,
  MergeRequest,
  MergeUndoRequest,
  Ok,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  compareResidents,
  dismissPair,
  getMerge,
  listCandidates,
  listMergeRecords,
  mergeResidents,
  undoMerge,
} from './dedupe.service';

export const dedupeRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['dedupe'];
  app.get(
    '/api/dedupe/candidates',
    {
      schema: {
        operationId: 'listDedupeCandidates',
        tags,
        querystring: DedupeCandidatesQuery,
        response: { 200: DedupeCandidateList },
      },
    },
    async (req) => listCandidates(req.ctx, req.query),
  );
  app.get(
    '/api/dedupe/compare',
    {
      schema: {
        operationId: 'compareResidents',
        tags,
        querystring: DedupePairQuery,
        response: { 200: DedupeComparison },
      },
    },
    async (req) => compareResidents(req.ctx, req.query.a, req.query.b),
  );
  app.post(
    '/api/dedupe/dismissals',
    { schema: { operationId: 'dismissDedupePair', tags, body: DedupePairBody, response: { 200: Ok } } },
    async (req) => dismissPair(req.ctx, req.body.aId, req.body.bId),
  );
  app.post(
    '/api/dedupe/merges',
    { schema: { operationId: 'mergeResidents', tags, body: MergeRequest, response: { 200: MergeRecord } } },
    async (req) => mergeResidents(req.ctx, req.body),
  );
  app.get(
    '/api/dedupe/merges',
    {
      schema: {
        operationId: 'listMerges',
        tags,
        querystring: MergeListQuery,
        response: { 200: z.object({ items: z.array(MergeRecord) }) },
      },
    },
    async (req) => ({ items: await listMergeRecords(req.ctx, req.query.status) }),
  );
  app.get(
    '/api/dedupe/merges/:id',
    { schema: { operationId: 'getMerge', tags, params: IdParams, response: { 200: MergeRecord } } },
    async (req) => getMerge(req.ctx, req.params.id),
  );
  app.post(
    '/api/dedupe/merges/:id/undo',
    {
      schema: {
        operationId: 'undoMerge',
        tags,
        params: IdParams,
        body: MergeUndoRequest,
        response: { 200: MergeRecord },
      },
    },
    async (req) => undoMerge(req.ctx, req.params.id, req.body.version),
  );
};
