import {
  Building,
  BuildingDetail,
  BuildingEntrancesAdd,
  BuildingEntrancesAdded,
  BuildingFloorsAdd,
  BuildingFloorsAdded,
  BuildingListQuery,
  BuildingSpec,
  BuildingUpdate,
  Dwelling,
  DwellingArchive,
  DwellingCreate,
  DwellingProfile,
  DwellingProfileUpdate,
  DwellingUpdate,
  IdParams,
} from '@linli/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addDwelling,
  addEntrances,
  addFloors,
  archiveDwelling,
  createBuilding,
  getBuilding,
  getDwellingProfile,
  listBuildings,
  updateBuilding,
  updateDwelling,
  updateDwellingProfile,
} from './buildings.service';

export const buildingsRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['buildings'];
  app.get(
    '/api/buildings',
    {
      schema: {
        operationId: 'listBuildings',
        tags,
        querystring: BuildingListQuery,
        response: { 200: z.object({ items: z.array(Building) }) },
      },
    },
    async (req) => ({ items: await listBuildings(req.ctx, req.query.compoundId) }),
  );
  app.post(
    '/api/buildings',
    {
      schema: { operationId: 'createBuilding', tags, body: BuildingSpec, response: { 200: BuildingDetail } },
    },
    async (req) => createBuilding(req.ctx, req.body),
  );
  app.get(
    '/api/buildings/:id',
    { schema: { operationId: 'getBuilding', tags, params: IdParams, response: { 200: BuildingDetail } } },
    async (req) => getBuilding(req.ctx, req.params.id),
  );
  app.patch(
    '/api/buildings/:id',
    {
      schema: {
        operationId: 'updateBuilding',
        tags,
        params: IdParams,
        body: BuildingUpdate,
        response: { 200: BuildingDetail },
      },
    },
    async (req) => updateBuilding(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/buildings/:id/floors',
    {
      schema: {
        operationId: 'addBuildingFloors',
        tags,
        params: IdParams,
        body: BuildingFloorsAdd,
        response: { 200: BuildingFloorsAdded },
      },
    },
    async (req) => addFloors(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/buildings/:id/entrances',
    {
      schema: {
        operationId: 'addBuildingEntrances',
        tags,
        params: IdParams,
        body: BuildingEntrancesAdd,
        response: { 200: BuildingEntrancesAdded },
      },
    },
    async (req) => addEntrances(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/buildings/:id/dwellings',
    {
      schema: {
        operationId: 'addDwelling',
        tags,
        params: IdParams,
        body: DwellingCreate,
        response: { 200: Dwelling },
      },
    },
    async (req) => addDwelling(req.ctx, req.params.id, req.body),
  );
  app.patch(
    '/api/dwellings/:id',
    {
      schema: {
        operationId: 'updateDwelling',
        tags,
        params: IdParams,
        body: DwellingUpdate,
        response: { 200: Dwelling },
      },
    },
    async (req) => updateDwelling(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/dwellings/:id/archive',
    {
      schema: {
        operationId: 'archiveDwelling',
        tags,
        params: IdParams,
        body: DwellingArchive,
        response: { 200: Dwelling },
      },
    },
    async (req) => archiveDwelling(req.ctx, req.params.id, req.body.version),
  );
  app.get(
    '/api/dwellings/:id/profile',
    {
      schema: {
        operationId: 'getDwellingProfile',
        tags,
        params: IdParams,
        response: { 200: DwellingProfile },
      },
    },
    async (req) => getDwellingProfile(req.ctx, req.params.id),
  );
  app.patch(
    '/api/dwellings/:id/profile',
    {
      schema: {
        operationId: 'updateDwellingProfile',
        tags,
        params: IdParams,
        body: DwellingProfileUpdate,
        response: { 200: DwellingProfile },
      },
    },
    async (req) => updateDwellingProfile(req.ctx, req.params.id, req.body),
  );
};
