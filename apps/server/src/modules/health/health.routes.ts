import { Health } from '@linli/shared';
import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { VERSION } from '../../platform/version';

export const healthRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: { operationId: 'getHealth', tags: ['platform'], response: { 200: Health } },
    },
    async () => {
      try {
        await database.db.execute(sql`select 1`);
      } catch {
        throw new AppError('internal.unavailable');
      }
      return { status: 'ok' as const, database: database.kind, version: VERSION };
    },
  );

  /** Liveness without touching the database: the benchmark's bare-route baseline. */
  app.get(
    '/api/health/live',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getLiveness',
        tags: ['platform'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
};
