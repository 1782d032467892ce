import {
  AccessLogEntry,
  BuildingOccupancy,
  DwellingHouseholdsQuery,
  DwellingOwnerReveal,
  DwellingOwnerRevealed,
  Household,
  HouseholdMove,
  HouseholdTagsUpdate,
  IdParams,
  Ok,
  page,
  RelationParams,
  Resident,
  ResidentCreate,
  ResidentEvent,
  ResidentMove,
  ResidentMoved,
  ResidentMoveOut,
  ResidentRelation,
  ResidentRelationCreate,
  ResidentSearchQuery,
  ResidentUpdate,
  Revealed,
  RevealRequest,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  buildingOccupancy,
  createRelation,
  createResident,
  endResidentRelation,
  getResident,
  listHouseholds,
  listRelations,
  moveHousehold,
  moveOutResident,
  moveResident,
  residentAccessLog,
  residentTimeline,
  revealDwellingOwner,
  revealResident,
  searchResidentList,
  setHouseholdTags,
  updateResident,
} from './registry.service';

export const registryRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['registry'];
  app.get(
    '/api/residents',
    {
      schema: {
        operationId: 'searchResidents',
        tags,
        querystring: ResidentSearchQuery,
        response: { 200: page(Resident) },
      },
    },
    async (req) => searchResidentList(req.ctx, req.query),
  );
  app.post(
    '/api/residents',
    { schema: { operationId: 'createResident', tags, body: ResidentCreate, response: { 200: Resident } } },
    async (req) => createResident(req.ctx, req.body),
  );
  app.get(
    '/api/residents/:id',
    { schema: { operationId: 'getResident', tags, params: IdParams, response: { 200: Resident } } },
    async (req) => getResident(req.ctx, req.params.id),
  );
  app.patch(
    '/api/residents/:id',
    {
      schema: {
        operationId: 'updateResident',
        tags,
        params: IdParams,
        body: ResidentUpdate,
        response: { 200: Resident },
      },
    },
    async (req) => updateResident(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/residents/:id/move-out',
    {
      schema: {
        operationId: 'moveOutResident',
        tags,
        params: IdParams,
        body: ResidentMoveOut,
        response: { 200: Resident },
      },
    },
    async (req) => moveOutResident(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/residents/:id/move',
    {
      schema: {
        operationId: 'moveResident',
        tags,
        params: IdParams,
        body: ResidentMove,
        response: { 200: ResidentMoved },
      },
    },
    async (req) => moveResident(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/residents/:id/reveal',
    {
      schema: {
        operationId: 'revealResident',
        tags,
        params: IdParams,
        body: RevealRequest,
        response: { 200: Revealed },
      },
    },
    async (req, reply) => {
      // Clear values must not linger in shared caches or the browser's back-forward cache.
      reply.header('cache-control', 'no-store');
      return revealResident(req.ctx, req.params.id, req.body);
    },
  );
  app.get(
    '/api/residents/:id/access-log',
    {
      schema: {
        operationId: 'residentAccessLog',
        tags,
        params: IdParams,
        response: { 200: z.object({ items: z.array(AccessLogEntry) }) },
      },
    },
    async (req) => ({ items: await residentAccessLog(req.ctx, req.params.id) }),
  );
  app.get(
    '/api/residents/:id/timeline',
    {
      schema: {
        operationId: 'residentTimeline',
        tags,
        params: IdParams,
        response: { 200: z.object({ items: z.array(ResidentEvent) }) },
      },
    },
    async (req) => ({ items: await residentTimeline(req.ctx, req.params.id) }),
  );
  app.get(
    '/api/households',
    {
      schema: {
        operationId: 'listHouseholds',
        tags,
        querystring: DwellingHouseholdsQuery,
        response: { 200: z.object({ items: z.array(Household) }) },
      },
    },
    async (req) => ({ items: await listHouseholds(req.ctx, req.query.dwellingId) }),
  );
  app.get(
    '/api/buildings/:id/occupancy',
    {
      schema: {
        operationId: 'buildingOccupancy',
        tags,
        params: IdParams,
        response: { 200: BuildingOccupancy },
      },
    },
    async (req) => buildingOccupancy(req.ctx, req.params.id),
  );
  app.get(
    '/api/residents/:id/relations',
    {
      schema: {
        operationId: 'listResidentRelations',
        tags,
        params: IdParams,
        response: { 200: z.object({ items: z.array(ResidentRelation) }) },
      },
    },
    async (req) => ({ items: await listRelations(req.ctx, req.params.id) }),
  );
  app.post(
    '/api/residents/:id/relations',
    {
      schema: {
        operationId: 'createResidentRelation',
        tags,
        params: IdParams,
        body: ResidentRelationCreate,
        response: { 200: ResidentRelation },
      },
    },
    async (req) => createRelation(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/residents/:id/relations/:relationId/end',
    {
      schema: {
        operationId: 'endResidentRelation',
        tags,
        params: RelationParams,
        response: { 200: Ok },
      },
    },
    async (req) => endResidentRelation(req.ctx, req.params.id, req.params.relationId),
  );
  app.patch(
    '/api/households/:id/tags',
    {
      schema: {
        operationId: 'setHouseholdTags',
        tags,
        params: IdParams,
        body: HouseholdTagsUpdate,
        response: { 200: Household },
      },
    },
    async (req) => setHouseholdTags(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/households/:id/move',
    {
      schema: {
        operationId: 'moveHousehold',
        tags,
        params: IdParams,
        body: HouseholdMove,
        response: { 200: Household },
      },
    },
    async (req) => moveHousehold(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/dwellings/:id/owner-phone/reveal',
    {
      schema: {
        operationId: 'revealDwellingOwner',
        tags,
        params: IdParams,
        body: DwellingOwnerReveal,
        response: { 200: DwellingOwnerRevealed },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return revealDwellingOwner(req.ctx, req.params.id, req.body.reason);
    },
  );
};
