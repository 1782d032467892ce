import {
  IdParams,
  ImportCommit,
  ImportJob,
  ImportMappingUpdate,
  ImportPlacesUpdate,
  ImportPreview,
  ImportPreviewQuery,
  ImportReportRow,
  ImportTemplate,
  ImportTemplateCreate,
  ImportTemplateQuery,
  ImportUploadQuery,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../platform/db';
import { failAbandonedJobs, purgeExpiredRows } from './imports.repository';
import {
  commitImport,
  createImportTemplate,
  getImport,
  importReport,
  importReportFile,
  JobRunner,
  listImports,
  listImportTemplates,
  previewImport,
  updateImportMapping,
  updateImportPlaces,
  uploadImport,
} from './imports.service';

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** The file is sent as the raw request body (no multipart): the browser posts the File object as is. */
const SPREADSHEET_TYPES = [
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel',
  'text/csv',
  'text/plain',
  'application/octet-stream',
];

export const importsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['imports'];
  const runner = new JobRunner();

  // A commit interrupted by a stop never committed: say so on the next start. Expired rows go too.
  app.addHook('onReady', async () => {
    await failAbandonedJobs(database.db);
    await purgeExpiredRows(database.db, new Date());
  });
  app.addHook('onClose', async () => runner.drain());

  app.addContentTypeParser(
    SPREADSHEET_TYPES,
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/api/imports',
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: {
        operationId: 'uploadImport',
        tags,
        querystring: ImportUploadQuery,
        response: { 200: ImportJob },
      },
    },
    async (req) => uploadImport(req.ctx, req.query, req.body),
  );
  app.get(
    '/api/imports',
    {
      schema: {
        operationId: 'listImports',
        tags,
        querystring: z.strictObject({ communityId: z.uuid() }),
        response: { 200: z.object({ items: z.array(ImportJob) }) },
      },
    },
    async (req) => ({ items: await listImports(req.ctx, req.query.communityId, runner) }),
  );
  app.get(
    '/api/imports/:id',
    { schema: { operationId: 'getImport', tags, params: IdParams, response: { 200: ImportJob } } },
    async (req) => getImport(req.ctx, req.params.id, runner),
  );
  app.patch(
    '/api/imports/:id',
    {
      schema: {
        operationId: 'updateImportMapping',
        tags,
        params: IdParams,
        body: ImportMappingUpdate,
        response: { 200: ImportJob },
      },
    },
    async (req) => updateImportMapping(req.ctx, req.params.id, req.body),
  );
  app.patch(
    '/api/imports/:id/places',
    {
      schema: {
        operationId: 'updateImportPlaces',
        tags,
        params: IdParams,
        body: ImportPlacesUpdate,
        response: { 200: ImportJob },
      },
    },
    async (req) => updateImportPlaces(req.ctx, req.params.id, req.body),
  );
  app.get(
    '/api/imports/:id/preview',
    {
      schema: {
        operationId: 'previewImport',
        tags,
        params: IdParams,
        querystring: ImportPreviewQuery,
        response: { 200: ImportPreview },
      },
    },
    async (req) => previewImport(req.ctx, req.params.id, req.query),
  );
  app.post(
    '/api/imports/:id/commit',
    {
      schema: {
        operationId: 'commitImport',
        tags,
        params: IdParams,
        body: ImportCommit,
        response: { 202: ImportJob },
      },
    },
    async (req, reply) => {
      const job = await commitImport(req.ctx, req.params.id, req.body, runner);
      return reply.code(202).send(job);
    },
  );
  app.get(
    '/api/imports/:id/report',
    {
      schema: {
        operationId: 'importReport',
        tags,
        params: IdParams,
        response: { 200: z.object({ items: z.array(ImportReportRow) }) },
      },
    },
    async (req) => ({ items: (await importReport(req.ctx, req.params.id)).rows }),
  );
  app.get(
    '/api/imports/:id/report.xlsx',
    {
      schema: {
        operationId: 'importReportFile',
        tags,
        params: IdParams,
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        // Documents the file for the API reference; a Buffer reply bypasses the serializer.
        response: { 200: z.any().describe('The import report as xlsx (binary), ID numbers masked') },
      },
    },
    async (req, reply) => {
      const file = await importReportFile(req.ctx, req.params.id);
      const name = `${file.fileName.replace(/\.(xlsx|csv)$/i, '')}-report.xlsx`;
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="report.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );
  app.get(
    '/api/import-templates',
    {
      schema: {
        operationId: 'listImportTemplates',
        tags,
        querystring: ImportTemplateQuery,
        response: { 200: z.object({ items: z.array(ImportTemplate) }) },
      },
    },
    async (req) => ({ items: await listImportTemplates(req.ctx, req.query.communityId) }),
  );
  app.post(
    '/api/import-templates',
    {
      schema: {
        operationId: 'createImportTemplate',
        tags,
        body: ImportTemplateCreate,
        response: { 200: ImportTemplate },
      },
    },
    async (req) => createImportTemplate(req.ctx, req.body),
  );
};
