import { AuditEntry, AuditQuery, page } from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { presentAuditEntry } from './audit.presenter';
import { listAudit } from './audit.service';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/audit',
    {
      schema: {
        operationId: 'listAudit',
        tags: ['audit'],
        querystring: AuditQuery,
        response: { 200: page(AuditEntry) },
      },
    },
    async (req) => {
      const { rows, nextCursor } = await listAudit(req.ctx, req.query);
      return { items: rows.map((r) => presentAuditEntry(r.entry, r.actorName)), nextCursor };
    },
  );
};
