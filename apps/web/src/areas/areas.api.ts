import {
  type AreaCreate,
  AreaNode,
  AreaTree,
  type AreaUpdate,
  Building,
  BuildingDetail,
  type BuildingEntrancesAdd,
  BuildingEntrancesAdded,
  type BuildingFloorsAdd,
  BuildingFloorsAdded,
  type BuildingSpec,
  type BuildingUpdate,
  Dwelling,
  type DwellingCreate,
  DwellingOwnerRevealed,
  DwellingProfile,
  type DwellingProfileUpdate,
  type DwellingUpdate,
  Grid,
  type GridCreate,
  type GridUpdate,
  Ok,
} from '@linli/shared';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, itemsOf } from '../api/client';

export type AreaCreateBody = z.input<typeof AreaCreate>;
export type AreaUpdateBody = z.input<typeof AreaUpdate>;
export type BuildingSpecBody = z.input<typeof BuildingSpec>;
export type BuildingUpdateBody = z.input<typeof BuildingUpdate>;
export type BuildingFloorsAddBody = z.input<typeof BuildingFloorsAdd>;
export type BuildingEntrancesAddBody = z.input<typeof BuildingEntrancesAdd>;
export type DwellingCreateBody = z.input<typeof DwellingCreate>;
export type DwellingUpdateBody = z.input<typeof DwellingUpdate>;
export type GridCreateBody = z.input<typeof GridCreate>;
export type GridUpdateBody = z.input<typeof GridUpdate>;

export const areaKeys = {
  all: ['areas'] as const,
  tree: ['areas', 'tree'] as const,
};

export const buildingKeys = {
  all: ['buildings'] as const,
  list: (compoundId: string) => ['buildings', 'list', compoundId] as const,
  detail: (buildingId: string) => ['buildings', 'detail', buildingId] as const,
  dwellingProfile: (dwellingId: string) => ['dwellings', 'profile', dwellingId] as const,
};

export const gridKeys = {
  list: (communityId: string) => ['grids', communityId] as const,
};

export function useAreaTree() {
  return useQuery({
    queryKey: areaKeys.tree,
    queryFn: () => api.get('/api/areas/tree', AreaTree),
    staleTime: 60_000,
  });
}

export function useCreateArea() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AreaCreateBody) => api.post('/api/areas', AreaNode, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: areaKeys.all }),
  });
}

export function useUpdateArea() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: AreaUpdateBody & { id: string }) =>
      api.patch(`/api/areas/${id}`, AreaNode, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: areaKeys.all }),
  });
}

export function useArchiveArea() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) =>
      api.post(`/api/areas/${id}/archive`, Ok, { version }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: areaKeys.all }),
  });
}

export function useBuildings(compoundId: string) {
  return useQuery({
    queryKey: buildingKeys.list(compoundId),
    queryFn: () => api.get('/api/buildings', itemsOf(Building), { compoundId }),
  });
}

/** All buildings of several compounds at once, e.g. to choose a grid's buildings across a community. */
export function useBuildingsOf(compoundIds: readonly string[]) {
  return useQueries({
    queries: compoundIds.map((compoundId) => ({
      queryKey: buildingKeys.list(compoundId),
      queryFn: () => api.get('/api/buildings', itemsOf(Building), { compoundId }),
    })),
    combine: (results) => ({
      buildings: results.flatMap((result) => result.data?.items ?? []),
      isPending: results.some((result) => result.isPending),
    }),
  });
}

export function useBuilding(buildingId: string) {
  return useQuery({
    queryKey: buildingKeys.detail(buildingId),
    queryFn: () => api.get(`/api/buildings/${buildingId}`, BuildingDetail),
  });
}

/** Puts a building read elsewhere (a write's answer, a conflict's current row) where its page reads it. */
export function useBuildingChanged() {
  const queryClient = useQueryClient();
  return (detail: BuildingDetail) => {
    queryClient.setQueryData(buildingKeys.detail(detail.id), detail);
    // Counts of buildings and dwellings shown in lists and on the tree have changed too.
    void queryClient.invalidateQueries({ queryKey: buildingKeys.list(detail.compoundId) });
    void queryClient.invalidateQueries({ queryKey: areaKeys.all });
  };
}

export function useCreateBuilding() {
  const onChanged = useBuildingChanged();
  return useMutation({
    mutationFn: (body: BuildingSpecBody) => api.post('/api/buildings', BuildingDetail, body),
    onSuccess: onChanged,
  });
}

export function useUpdateBuilding() {
  const onChanged = useBuildingChanged();
  return useMutation({
    mutationFn: ({ id, ...body }: BuildingUpdateBody & { id: string }) =>
      api.patch(`/api/buildings/${id}`, BuildingDetail, body),
    onSuccess: onChanged,
  });
}

/** Raising a building (加层): its new floors and their flats come back with it. */
export function useAddFloors() {
  const onChanged = useBuildingChanged();
  return useMutation({
    mutationFn: ({ id, ...body }: BuildingFloorsAddBody & { id: string }) =>
      api.post(`/api/buildings/${id}/floors`, BuildingFloorsAdded, body),
    onSuccess: (result) => onChanged(result.building),
  });
}

/** Adding entrances (加单元): the new entrances and their flats come back with the building. */
export function useAddEntrances() {
  const onChanged = useBuildingChanged();
  return useMutation({
    mutationFn: ({ id, ...body }: BuildingEntrancesAddBody & { id: string }) =>
      api.post(`/api/buildings/${id}/entrances`, BuildingEntrancesAdded, body),
    onSuccess: (result) => onChanged(result.building),
  });
}

function useDwellingChanged() {
  const queryClient = useQueryClient();
  return (dwelling: Dwelling) => {
    void queryClient.invalidateQueries({ queryKey: buildingKeys.detail(dwelling.buildingId) });
    void queryClient.invalidateQueries({ queryKey: ['buildings', 'list'] });
    void queryClient.invalidateQueries({ queryKey: areaKeys.all });
  };
}

export function useCreateDwelling() {
  const onChanged = useDwellingChanged();
  return useMutation({
    mutationFn: ({ buildingId, ...body }: DwellingCreateBody & { buildingId: string }) =>
      api.post(`/api/buildings/${buildingId}/dwellings`, Dwelling, body),
    onSuccess: onChanged,
  });
}

export function useUpdateDwelling() {
  const onChanged = useDwellingChanged();
  return useMutation({
    mutationFn: ({ id, ...body }: DwellingUpdateBody & { id: string }) =>
      api.patch(`/api/dwellings/${id}`, Dwelling, body),
    onSuccess: onChanged,
  });
}

export function useArchiveDwelling() {
  const onChanged = useDwellingChanged();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) =>
      api.post(`/api/dwellings/${id}/archive`, Dwelling, { version }),
    onSuccess: onChanged,
  });
}

export function useGrids(communityId: string) {
  return useQuery({
    queryKey: gridKeys.list(communityId),
    queryFn: () => api.get('/api/grids', itemsOf(Grid), { communityId }),
  });
}

export function useCreateGrid() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: GridCreateBody) => api.post('/api/grids', Grid, body),
    onSuccess: (grid) => queryClient.invalidateQueries({ queryKey: gridKeys.list(grid.communityId) }),
  });
}

export function useUpdateGrid() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: GridUpdateBody & { id: string }) =>
      api.patch(`/api/grids/${id}`, Grid, body),
    onSuccess: (grid) => queryClient.invalidateQueries({ queryKey: gridKeys.list(grid.communityId) }),
  });
}

export type DwellingProfileBody = z.input<typeof DwellingProfileUpdate>;

/** Type, use, owner and safety notes: for people who may read residents. */
export function useDwellingProfile(dwellingId: string, enabled = true) {
  return useQuery({
    queryKey: buildingKeys.dwellingProfile(dwellingId),
    queryFn: () => api.get(`/api/dwellings/${dwellingId}/profile`, DwellingProfile),
    enabled,
  });
}

export function useUpdateDwellingProfile(buildingId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: DwellingProfileBody & { id: string }) =>
      api.patch(`/api/dwellings/${id}/profile`, DwellingProfile, body),
    onSuccess: (profile) => {
      queryClient.setQueryData(buildingKeys.dwellingProfile(profile.id), profile);
      // Type and use colour the building grid.
      void queryClient.invalidateQueries({ queryKey: buildingKeys.detail(buildingId) });
    },
  });
}

/** The clear phone goes to the caller only; `gcTime: 0` keeps it out of the cache once the card is gone. */
export function useRevealDwellingOwner() {
  return useMutation({
    gcTime: 0,
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      api.post(`/api/dwellings/${id}/owner-phone/reveal`, DwellingOwnerRevealed, { reason }),
  });
}
