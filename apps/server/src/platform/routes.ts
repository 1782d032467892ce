import type { FastifyInstance } from 'fastify';
import { areasRoutes } from '../modules/areas/areas.routes';
import { auditRoutes } from '../modules/audit/audit.routes';
import { authRoutes } from '../modules/auth/auth.routes';
import { buildingsRoutes } from '../modules/buildings/buildings.routes';
import { dedupeRoutes } from '../modules/dedupe/dedupe.routes';
import { delegationsRoutes } from '../modules/delegations/delegations.routes';
import { formsRoutes } from '../modules/forms/forms.routes';
import { gridsRoutes } from '../modules/grids/grids.routes';
import { healthRoutes } from '../modules/health/health.routes';
import { importsRoutes } from '../modules/imports/imports.routes';
import { ledgersRoutes } from '../modules/ledgers/ledgers.routes';
import { registryRoutes } from '../modules/registry/registry.routes';
import { submissionsRoutes } from '../modules/submissions/submissions.routes';
import { tokensRoutes } from '../modules/tokens/tokens.routes';
import { uploadsRoutes } from '../modules/uploads/uploads.routes';
import { usersRoutes } from '../modules/users/users.routes';
import type { Database } from './db';

export async function registerRoutes(app: FastifyInstance, database: Database) {
  await app.register(healthRoutes, { database });
  await app.register(authRoutes);
  await app.register(areasRoutes);
  await app.register(buildingsRoutes);
  await app.register(gridsRoutes);
  await app.register(usersRoutes);
  await app.register(delegationsRoutes);
  await app.register(tokensRoutes);
  await app.register(auditRoutes);
  await app.register(registryRoutes);
  await app.register(importsRoutes, { database });
  await app.register(dedupeRoutes);
  await app.register(ledgersRoutes);
  await app.register(submissionsRoutes);
  await app.register(formsRoutes, { database });
  await app.register(uploadsRoutes, { database });
}
