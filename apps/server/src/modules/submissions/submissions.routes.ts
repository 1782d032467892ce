import {
  IdParams,
  SubmissionApplied,
  SubmissionApply,
  SubmissionBulkMark,
  SubmissionBulkResult,
  SubmissionCandidates,
  SubmissionDetail,
  SubmissionDiff,
  SubmissionDiffQuery,
  SubmissionExport,
  SubmissionListItem,
  SubmissionListQuery,
  SubmissionMark,
  SubmissionPage,
  SubmissionReveal,
  SubmissionRevealed,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  applySubmission,
  bulkMarkSubmissions,
  exportSubmissions,
  getSubmission,
  listInbox,
  markSubmission,
  revealSubmission,
  submissionCandidates,
  submissionDiff,
} from './submissions.service';

export const submissionsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['submissions'];
  app.get(
    '/api/submissions',
    {
      schema: {
        operationId: 'listSubmissions',
        tags,
        querystring: SubmissionListQuery,
        response: { 200: SubmissionPage },
      },
    },
    async (req) => listInbox(req.ctx, req.query),
  );
  app.get(
    '/api/submissions/:id',
    {
      schema: { operationId: 'getSubmission', tags, params: IdParams, response: { 200: SubmissionDetail } },
    },
    async (req) => getSubmission(req.ctx, req.params.id),
  );
  app.post(
    '/api/submissions/:id/reveal',
    {
      schema: {
        operationId: 'revealSubmission',
        tags,
        params: IdParams,
        body: SubmissionReveal,
        response: { 200: SubmissionRevealed },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return revealSubmission(req.ctx, req.params.id, req.body.reason);
    },
  );
  app.post(
    '/api/submissions/:id/status',
    {
      schema: {
        operationId: 'markSubmission',
        tags,
        params: IdParams,
        body: SubmissionMark,
        response: { 200: SubmissionListItem },
      },
    },
    async (req) => markSubmission(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/submissions/bulk-status',
    {
      schema: {
        operationId: 'bulkMarkSubmissions',
        tags,
        body: SubmissionBulkMark,
        response: { 200: SubmissionBulkResult },
      },
    },
    async (req) => bulkMarkSubmissions(req.ctx, req.body),
  );
  app.get(
    '/api/submissions/:id/candidates',
    {
      schema: {
        operationId: 'submissionCandidates',
        tags,
        params: IdParams,
        response: { 200: SubmissionCandidates },
      },
    },
    async (req) => submissionCandidates(req.ctx, req.params.id),
  );
  app.get(
    '/api/submissions/:id/diff',
    {
      schema: {
        operationId: 'submissionDiff',
        tags,
        params: IdParams,
        querystring: SubmissionDiffQuery,
        response: { 200: SubmissionDiff },
      },
    },
    async (req) => submissionDiff(req.ctx, req.params.id, req.query.residentId),
  );
  app.post(
    '/api/submissions/:id/apply',
    {
      schema: {
        operationId: 'applySubmission',
        tags,
        params: IdParams,
        body: SubmissionApply,
        response: { 200: SubmissionApplied },
      },
    },
    async (req) => applySubmission(req.ctx, req.params.id, req.body),
  );
  // POST, not GET: the purpose and reason are audited and must not sit in URLs, logs or history.
  app.post(
    '/api/submissions/export',
    {
      schema: {
        operationId: 'exportSubmissions',
        tags,
        body: SubmissionExport,
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: z.any().describe('The xlsx file (binary), masked unless asked otherwise') },
      },
    },
    async (req, reply) => {
      const file = await exportSubmissions(req.ctx, req.body);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', file.disposition)
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );
};
