import { z } from 'zod';
import { boundedText, DivisionCode, Id, MobilePhone, Name, optionalText, Version } from './common';
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

/**
 * A generated flat's number: the floor, then its place on the floor in two digits (301, 1203). The
 * server numbers new buildings and added floors with it; the console previews them with it.
 */
export function roomNumber(floor: number, room: number): string {
  return `${floor}${String(room).padStart(2, '0')}`;
}

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
/** 房屋类型 as committees record it. */
export const DWELLING_TYPES = [
  'commodity',
  'reformed_public',
  'public_rental',
  'low_rent',
  'resettlement',
  'private',
  'shop',
  'other',
] as const;
/** 房屋用途: how the dwelling is used now (drives the colour of the building grid). */
export const DWELLING_USES = ['owner_occupied', 'rented', 'vacant', 'group_rental', 'commercial'] as const;
/** Safety points a worker checks on a visit: gas, lift, fire, wiring. */
export const SAFETY_FLAGS = ['gas', 'lift', 'fire', 'electric'] as const;
export const DwellingType = z.enum(DWELLING_TYPES);
export const DwellingUse = z.enum(DWELLING_USES);

export const Dwelling = z.object({
  id: Id,
  buildingId: Id,
  entranceId: Id,
  floor: z.number().int(),
  number: z.string(),
  /** Address as people write it: 5号楼2单元301 / 5-2-301. */
  label: z.string(),
  status: z.enum(DWELLING_STATUSES),
  type: DwellingType.nullable(),
  use: DwellingUse.nullable(),
  version: z.number().int(),
});
export type Dwelling = z.infer<typeof Dwelling>;

/**
 * What the register keeps about a dwelling besides its place in the building. The owner's or landlord's
 * contact is personal data: read with `resident.read`, phone masked, never part of the building drawing.
 */
export const DwellingProfile = z.object({
  id: Id,
  label: z.string(),
  type: DwellingType.nullable(),
  use: DwellingUse.nullable(),
  ownerName: z.string().nullable(),
  ownerPhoneMasked: z.string().nullable(),
  notes: z.string().nullable(),
  safetyFlags: z.array(z.enum(SAFETY_FLAGS)),
  safetyNotes: z.string().nullable(),
  lastVerifiedAt: z.string().nullable(),
  lastVerifiedByName: z.string().nullable(),
  version: z.number().int(),
});
export type DwellingProfile = z.infer<typeof DwellingProfile>;

/** A field left out stays as it is; `null` clears it. Saving marks the dwelling verified today by the editor. */
export const DwellingProfileUpdate = z.strictObject({
  version: Version,
  type: DwellingType.nullish(),
  use: DwellingUse.nullish(),
  ownerName: optionalText(50).nullish(),
  ownerPhone: MobilePhone.nullish(),
  notes: optionalText(500).nullish(),
  safetyFlags: z.array(z.enum(SAFETY_FLAGS)).max(SAFETY_FLAGS.length).optional(),
  safetyNotes: optionalText(500).nullish(),
});
export type DwellingProfileUpdate = z.infer<typeof DwellingProfileUpdate>;

/** The owner's phone in clear, for a stated reason: audited and counted in the caller's hourly reveals. */
export const DwellingOwnerReveal = z.strictObject({ reason: boundedText(200) });
export const DwellingOwnerRevealed = z.object({ ownerPhone: z.string().nullable() });

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

/**
 * Raising a building (加层): floors are only ever added on top, and every entrance gets the flats of
 * each new floor numbered as at creation (701, 702 …). Existing dwellings are never touched.
 */
export const BuildingFloorsAdd = z.strictObject({
  version: Version,
  /** The building's new number of floors, above the current one. */
  floors: z.number().int().min(2).max(99),
  /** Flats per new floor in each entrance; the building's own count when left out, 0 for empty floors. */
  roomsPerFloor: z.number().int().min(0).max(30).optional(),
});
export type BuildingFloorsAdd = z.infer<typeof BuildingFloorsAdd>;

export const BuildingFloorsAdded = z.object({
  building: BuildingDetail,
  /** How many dwellings the new floors received. */
  created: z.number().int(),
  /** Flats not generated because their entrance already had an active dwelling of that number (labels). */
  skipped: z.array(z.string()),
});
export type BuildingFloorsAdded = z.infer<typeof BuildingFloorsAdded>;

export const BuildingEntrancesAdd = z.strictObject({
  version: Version,
  /** The building's new number of entrances (单元), above the current one. */
  entrances: z.number().int().min(2).max(30),
  /** Flats per floor in each new entrance; the building's own count when left out, 0 for empty entrances. */
  roomsPerFloor: z.number().int().min(0).max(30).optional(),
});
export type BuildingEntrancesAdd = z.infer<typeof BuildingEntrancesAdd>;

export const BuildingEntrancesAdded = z.object({
  building: BuildingDetail,
  /** How many dwellings the new entrances received. */
  created: z.number().int(),
});
export type BuildingEntrancesAdded = z.infer<typeof BuildingEntrancesAdded>;

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
