import {
  IdParams,
  Ledger,
  LedgerArchive,
  LedgerCreate,
  LedgerExport,
  LedgerLink,
  LedgerLinkCreate,
  LedgerLinkCreated,
  LedgerLinkParams,
  LedgerListQuery,
  LedgerRows,
  LedgerRowsQuery,
  LedgerUpdate,
  PublicLedger,
  PublicLedgerParams,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  archiveLedger,
  createLedger,
  createLink,
  exportLedger,
  getLedger,
  ledgerRows,
  listLedgerList,
  listLinks,
  openSharedLedger,
  revokeLink,
  updateLedger,
} from './ledgers.service';

export const ledgersRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['ledgers'];
  app.get(
    '/api/ledgers',
    {
      schema: {
        operationId: 'listLedgers',
        tags,
        querystring: LedgerListQuery,
        response: { 200: z.object({ items: z.array(Ledger) }) },
      },
    },
    async (req) => ({ items: await listLedgerList(req.ctx, req.query.status) }),
  );
  app.post(
    '/api/ledgers',
    { schema: { operationId: 'createLedger', tags, body: LedgerCreate, response: { 200: Ledger } } },
    async (req) => createLedger(req.ctx, req.body),
  );
  app.get(
    '/api/ledgers/:id',
    { schema: { operationId: 'getLedger', tags, params: IdParams, response: { 200: Ledger } } },
    async (req) => getLedger(req.ctx, req.params.id),
  );
  app.patch(
    '/api/ledgers/:id',
    {
      schema: {
        operationId: 'updateLedger',
        tags,
        params: IdParams,
        body: LedgerUpdate,
        response: { 200: Ledger },
      },
    },
    async (req) => updateLedger(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/ledgers/:id/archive',
    {
      schema: {
        operationId: 'archiveLedger',
        tags,
        params: IdParams,
        body: LedgerArchive,
        response: { 200: Ledger },
      },
    },
    async (req) => archiveLedger(req.ctx, req.params.id, req.body.version),
  );
  app.get(
    '/api/ledgers/:id/rows',
    {
      schema: {
        operationId: 'ledgerRows',
        tags,
        params: IdParams,
        querystring: LedgerRowsQuery,
        response: { 200: LedgerRows },
      },
    },
    async (req) => ledgerRows(req.ctx, req.params.id, req.query),
  );
  // POST, not GET: the purpose and reason are audited and must not sit in URLs, logs or history.
  app.post(
    '/api/ledgers/:id/export',
    {
      schema: {
        operationId: 'exportLedger',
        tags,
        params: IdParams,
        body: LedgerExport,
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
        // Documents the file for the API reference; a Buffer reply bypasses the serializer.
        response: { 200: z.any().describe('The xlsx or csv file (binary), masked unless asked otherwise') },
      },
    },
    async (req, reply) => {
      const file = await exportLedger(req.ctx, req.params.id, req.body);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', file.disposition)
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );
  app.get(
    '/api/ledgers/:id/links',
    {
      schema: {
        operationId: 'listLedgerLinks',
        tags,
        params: IdParams,
        response: { 200: z.object({ items: z.array(LedgerLink) }) },
      },
    },
    async (req) => ({ items: await listLinks(req.ctx, req.params.id) }),
  );
  app.post(
    '/api/ledgers/:id/links',
    {
      schema: {
        operationId: 'createLedgerLink',
        tags,
        params: IdParams,
        body: LedgerLinkCreate,
        response: { 200: LedgerLinkCreated },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return createLink(req.ctx, req.params.id, req.body);
    },
  );
  app.post(
    '/api/ledgers/:id/links/:linkId/revoke',
    {
      schema: {
        operationId: 'revokeLedgerLink',
        tags,
        params: LedgerLinkParams,
        response: { 200: LedgerLink },
      },
    },
    async (req) => revokeLink(req.ctx, req.params.id, req.params.linkId),
  );
  app.get(
    '/api/public/ledgers/:token',
    {
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        operationId: 'openSharedLedger',
        tags,
        security: [],
        params: PublicLedgerParams,
        querystring: LedgerRowsQuery,
        response: { 200: PublicLedger },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      return openSharedLedger(req.ctx, req.params.token, req.query);
    },
  );
};
