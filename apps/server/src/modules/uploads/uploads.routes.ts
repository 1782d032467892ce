import {
  FORM_FILE_MAX_BYTES,
  FORM_FILE_TYPES,
  FormFileReadQuery,
  FormFileUploaded,
  FormFileUploadQuery,
  IdParams,
  PublicFormSlugParams,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../platform/db';
import { contentDisposition } from '../ledgers/ledgers.rules';
import { purgeUnclaimedFiles, readFormFile, uploadFormFile } from './uploads.service';

const HOUR_MS = 3_600_000;

export const uploadsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['forms'];
  let timer: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    await purgeUnclaimedFiles(database.db, new Date());
    timer = setInterval(() => {
      purgeUnclaimedFiles(database.db, new Date()).catch((err) =>
        app.log.error({ err }, 'purging unclaimed form files failed'),
      );
    }, HOUR_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });

  // The phone posts the file itself as the body (no multipart), like the console's spreadsheet upload.
  app.addContentTypeParser(
    [...FORM_FILE_TYPES],
    { parseAs: 'buffer', bodyLimit: FORM_FILE_MAX_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/api/public/forms/:slug/files',
    {
      bodyLimit: FORM_FILE_MAX_BYTES,
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        operationId: 'uploadFormFile',
        tags,
        security: [],
        params: PublicFormSlugParams,
        querystring: FormFileUploadQuery,
        response: { 201: FormFileUploaded },
      },
    },
    async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : undefined;
      reply.code(201).header('cache-control', 'no-store');
      return uploadFormFile(req.ctx, req.params.slug, req.query, body);
    },
  );

  app.get(
    '/api/form-files/:id',
    {
      schema: {
        operationId: 'readFormFile',
        tags,
        params: IdParams,
        querystring: FormFileReadQuery,
        response: { 200: z.any().describe('The file') },
      },
    },
    async (req, reply) => {
      const file = await readFormFile(req.ctx, req.params.id, req.query.reason);
      return reply
        .type(file.contentType)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', contentDisposition(file.name, 'file'))
        .send(file.content);
    },
  );
};
