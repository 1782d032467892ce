import {
  ChainEntries,
  Form,
  FormAction,
  FormCreate,
  FormListQuery,
  FormPage,
  FormSlugParams,
  FormTemplate,
  FormUpdate,
  IdParams,
  Ok,
  Places,
  PlacesQuery,
  PublicForm,
  SubmissionAck,
  SubmissionCreate,
  SubmissionHeaders,
  WithdrawBody,
} from '@linli/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../platform/db';
import { AppError, isAppError } from '../../platform/errors';
import { sendError } from '../../platform/http';
import { getPublicForm, publicPlaces, submitAnswer, withdrawAnswer } from './forms.public';
import { submitValidatorCompiler } from './forms.public.validation';
import {
  chainOf,
  changeStatus,
  createForm,
  getForm,
  listForms,
  listTemplates,
  publishForm,
  purgeExpiredAnswers,
  updateForm,
} from './forms.service';

/** An answer is a few kilobytes; anything near this is not a person filling in a form. */
export const SUBMISSION_BODY_LIMIT = 64 * 1024;
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Answer issues are localised by the service (from the shared messages the phone shows too), so they
 * are sent as they are rather than through the generic issue localiser.
 */
async function withAnswerIssues<T>(req: FastifyRequest, reply: FastifyReply, run: () => Promise<T>) {
  try {
    return await run();
  } catch (error) {
    if (isAppError(error) && Array.isArray(error.details?.issues))
      return sendError(reply, req, error.code, error.params, error.details);
    throw error;
  }
}

export const formsRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  const tags = ['forms'];

  // Retention: answers past their notice's period go at start and every hour after.
  let timer: NodeJS.Timeout | null = null;
  const purge = async () => {
    try {
      const purged = await purgeExpiredAnswers(database.db, new Date());
      for (const p of purged) app.log.info({ formId: p.formId, purged: p.purged }, 'form answers purged');
    } catch (error) {
      app.log.error({ err: error }, 'form answer purge failed');
    }
  };
  app.addHook('onReady', async () => {
    await purge();
    timer = setInterval(() => void purge(), PURGE_EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });

  // Per address and per form; both answer with a friendly 429 saying the answer is kept on the phone.
  const perIp = app.createRateLimit({
    timeWindow: 60_000,
    max: (req) => req.ctx.config.formSubmitsPerIpPerMinute,
    keyGenerator: (req) => `form-ip:${req.ip}`,
  });
  const perForm = app.createRateLimit({
    timeWindow: 60_000,
    max: (req) => req.ctx.config.formSubmitsPerFormPerMinute,
    keyGenerator: (req) => `form-slug:${(req.params as { slug?: string }).slug ?? ''}`,
  });
  const limited = async (req: FastifyRequest) => {
    for (const limiter of [perIp, perForm]) {
      const result = await limiter(req);
      if (!result.isAllowed && result.isExceeded) throw new AppError('form.rate_limited');
    }
  };

  app.get(
    '/api/forms',
    { schema: { operationId: 'listForms', tags, querystring: FormListQuery, response: { 200: FormPage } } },
    async (req) => listForms(req.ctx, req.query),
  );
  app.get(
    '/api/forms/templates',
    {
      schema: {
        operationId: 'listFormTemplates',
        tags,
        response: { 200: z.object({ items: z.array(FormTemplate) }) },
      },
    },
    async () => listTemplates(),
  );
  app.post(
    '/api/forms',
    { schema: { operationId: 'createForm', tags, body: FormCreate, response: { 200: Form } } },
    async (req) => createForm(req.ctx, req.body),
  );
  app.get(
    '/api/forms/:id',
    { schema: { operationId: 'getForm', tags, params: IdParams, response: { 200: Form } } },
    async (req) => getForm(req.ctx, req.params.id),
  );
  app.patch(
    '/api/forms/:id',
    {
      schema: {
        operationId: 'updateForm',
        tags,
        params: IdParams,
        body: FormUpdate,
        response: { 200: Form },
      },
    },
    async (req) => updateForm(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/forms/:id/publish',
    {
      schema: {
        operationId: 'publishForm',
        tags,
        params: IdParams,
        body: FormAction,
        response: { 200: Form },
      },
    },
    async (req) => publishForm(req.ctx, req.params.id, req.body),
  );
  for (const action of ['close', 'reopen', 'archive'] as const) {
    app.post(
      `/api/forms/:id/${action}`,
      {
        schema: {
          operationId: `${action}Form`,
          tags,
          params: IdParams,
          body: FormAction,
          response: { 200: Form },
        },
      },
      async (req) => changeStatus(req.ctx, req.params.id, action, req.body),
    );
  }
  app.get(
    '/api/forms/:id/chain',
    { schema: { operationId: 'formChain', tags, params: IdParams, response: { 200: ChainEntries } } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return chainOf(req.ctx, req.params.id);
    },
  );

  // ——— Public: no sign-in ———

  app.get(
    '/api/public/forms/:slug',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        operationId: 'publicForm',
        tags,
        security: [],
        params: FormSlugParams,
        response: { 200: PublicForm },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      return getPublicForm(req.ctx, req.params.slug);
    },
  );
  app.get(
    '/api/public/forms/:slug/places',
    {
      config: { access: 'public', rateLimit: { max: 300, timeWindow: '1 minute' } },
      schema: {
        operationId: 'publicFormPlaces',
        tags,
        security: [],
        params: FormSlugParams,
        querystring: PlacesQuery,
        response: { 200: Places },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      return publicPlaces(req.ctx, req.params.slug, req.query);
    },
  );
  app.post(
    '/api/public/forms/:slug/submissions',
    {
      bodyLimit: SUBMISSION_BODY_LIMIT,
      config: { access: 'public' },
      onRequest: limited,
      validatorCompiler: submitValidatorCompiler,
      schema: {
        operationId: 'submitFormAnswer',
        tags,
        security: [],
        params: FormSlugParams,
        headers: SubmissionHeaders,
        body: SubmissionCreate,
        response: { 200: SubmissionAck, 201: SubmissionAck },
      },
    },
    async (req, reply) =>
      withAnswerIssues(req, reply, async () => {
        const outcome = await submitAnswer(
          req.ctx,
          req.params.slug,
          req.headers['idempotency-key'],
          req.body,
        );
        if (outcome.ignored) req.log.warn({ slug: req.params.slug }, 'form answer ignored: honeypot filled');
        reply.header('cache-control', 'no-store');
        return reply.code(outcome.created ? 201 : 200).send(outcome.ack);
      }),
  );
  app.post(
    '/api/public/forms/:slug/withdraw',
    {
      config: { access: 'public' },
      onRequest: limited,
      schema: {
        operationId: 'withdrawFormAnswer',
        tags,
        security: [],
        params: FormSlugParams,
        body: WithdrawBody,
        response: { 200: Ok },
      },
    },
    async (req) => withdrawAnswer(req.ctx, req.params.slug, req.body.reference),
  );
};
