import { z } from 'zod';
import { boundedText, DivisionCode, Id, Name, optionalText, Version } from './common';
import { AreaKind } from './roles';

export const AreaNode = z.object({
  id: Id,
  kind: AreaKind,
  name: z.string(),
  code: z.string().nullable(),
  parentId: Id.nullable(),
  streetId: Id.nullable(),
  communityId: Id.nullable(),
  sortOrder: z.number().int(),
  /** Buildings directly under a compound; dwellings under any node. */
  buildingCount: z.number().int(),
  dwellingCount: z.number().int(),
  version: z.number().int(),
});
export type AreaNode = z.infer<typeof AreaNode>;

export const AreaTree = z.object({
  /** The nodes the caller may see: the subtrees under its scopes, plus their ancestors for context. */
  nodes: z.array(AreaNode.extend({ inScope: z.boolean() })),
});
export type AreaTree = z.infer<typeof AreaTree>;

export const AreaCreate = z.strictObject({
  kind: AreaKind,
  parentId: Id.nullable(),
  name: Name,
  code: DivisionCode.nullish(),
  sortOrder: z.number().int().min(0).max(100_000).optional(),
});
export type AreaCreate = z.infer<typeof AreaCreate>;

export const AreaUpdate = z.strictObject({
  version: Version,
  name: Name.optional(),
  code: DivisionCode.nullish(),
  sortOrder: z.number().int().min(0).max(100_000).optional(),
  /** Moving a node: only compounds between communities of one street, or communities between streets. */
  parentId: Id.optional(),
});
export type AreaUpdate = z.infer<typeof AreaUpdate>;

export const AreaArchive = z.strictObject({ version: Version });

export const BUILDING_KINDS = ['residential', 'bungalow', 'commercial', 'mixed'] as const;
export const BuildingKind = z.enum(BUILDING_KINDS);

export const RoomNumber = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{1,10}$/, { error: 'room_number' });

export const BuildingSpec = z.strictObject({
  compoundId: Id,
  name: boundedText(40),
  kind: BuildingKind.default('residential'),
  floors: z.number().int().min(1).max(99),
  entrances: z.number().int().min(1).max(30),
  roomsPerFloor: z.number().int().min(1).max(30),
  builtYear: z.number().int().min(1800).max(2100).nullish(),
  notes: optionalText(500).optional(),
});
export type BuildingSpec = z.infer<typeof BuildingSpec>;

export const BuildingUpdate = z.strictObject({
  version: Version,
  name: boundedText(40).optional(),
  kind: BuildingKind.optional(),
  builtYear: z.number().int().min(1800).max(2100).nullish(),
  notes: optionalText(500).optional(),
});

export const Building = z.object({
  id: Id,
  streetId: Id,
  communityId: Id,
  compoundId: Id,
  name: z.string(),
  kind: BuildingKind,
  floors: z.number().int(),
  entranceCount: z.number().int(),
  roomsPerFloor: z.number().int(),
  builtYear: z.number().int().nullable(),
  notes: z.string(),
  dwellingCount: z.number().int(),
  version: z.number().int(),
});
export type Building = z.infer<typeof Building>;

export const Entrance = z.object({ id: Id, number: z.number().int(), name: z.string() });

export const DWELLING_STATUSES = ['active', 'archived'] as const;
export const Dwelling = z.object({
  id: Id,
  buildingId: Id,
  entranceId: Id,
  floor: z.number().int(),
  number: z.string(),
  /** Address as people write it: 5号楼2单元301 / 5-2-301. */
  label: z.string(),
  status: z.enum(DWELLING_STATUSES),
  version: z.number().int(),
});
export type Dwelling = z.infer<typeof Dwelling>;

export const BuildingDetail = Building.extend({
  entrances: z.array(Entrance),
  dwellings: z.array(Dwelling),
});
export type BuildingDetail = z.infer<typeof BuildingDetail>;

export const BuildingListQuery = z.strictObject({ compoundId: Id });

export const DwellingCreate = z.strictObject({
  entranceId: Id,
  floor: z.number().int().min(-5).max(99),
  number: RoomNumber,
});
export const DwellingUpdate = z.strictObject({
  version: Version,
  number: RoomNumber.optional(),
  floor: z.number().int().min(-5).max(99).optional(),
});
export const DwellingArchive = z.strictObject({ version: Version });

export const Grid = z.object({
  id: Id,
  streetId: Id,
  communityId: Id,
  name: z.string(),
  workerUserId: Id.nullable(),
  workerName: z.string().nullable(),
  buildingIds: z.array(Id),
  version: z.number().int(),
});
export type Grid = z.infer<typeof Grid>;

export const GridListQuery = z.strictObject({ communityId: Id });
export const GridCreate = z.strictObject({
  communityId: Id,
  name: boundedText(40),
  workerUserId: Id.nullish(),
  buildingIds: z.array(Id).max(500).default([]),
});
export const GridUpdate = z.strictObject({
  version: Version,
  name: boundedText(40).optional(),
  workerUserId: Id.nullish(),
  buildingIds: z.array(Id).max(500).optional(),
});
