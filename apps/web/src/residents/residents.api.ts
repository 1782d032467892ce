import {
  AccessLogEntry,
  BuildingOccupancy,
  Household,
  type HouseholdMove,
  type HouseholdTagsUpdate,
  Ok,
  page,
  Resident,
  type ResidentCreate,
  ResidentEvent,
  type ResidentMove,
  ResidentMoved,
  type ResidentMoveOut,
  ResidentRelation,
  type ResidentRelationCreate,
  type ResidentSearchQuery,
  type ResidentUpdate,
  Revealed,
  type RevealRequest,
} from '@linli/shared';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { z } from 'zod';
import { api, itemsOf } from '../api/client';

export type ResidentCreateBody = z.input<typeof ResidentCreate>;
export type ResidentUpdateBody = z.input<typeof ResidentUpdate>;
export type ResidentMoveOutBody = z.input<typeof ResidentMoveOut>;
export type RevealBody = z.input<typeof RevealRequest>;
export type RevealedValues = z.infer<typeof Revealed>;
export type AccessLogItem = z.infer<typeof AccessLogEntry>;
export type ResidentEventItem = z.infer<typeof ResidentEvent>;
export type ResidentFilter = Partial<Omit<ResidentSearchQuery, 'cursor' | 'limit'>>;

const ResidentPage = page(Resident);
const PAGE_SIZE = 50;

export const residentKeys = {
  all: ['residents'] as const,
  list: (filter: ResidentFilter) => ['residents', 'list', filter] as const,
  detail: (id: string) => ['residents', 'detail', id] as const,
  accessLog: (id: string) => ['residents', 'access-log', id] as const,
  timeline: (id: string) => ['residents', 'timeline', id] as const,
  relations: (id: string) => ['residents', 'relations', id] as const,
  households: (dwellingId: string) => ['households', dwellingId] as const,
  occupancy: (buildingId: string) => ['occupancy', buildingId] as const,
};

/** Search as you type: the previous answer stays on screen while the next one loads. */
export function useResidentSearch(filter: ResidentFilter) {
  return useInfiniteQuery({
    queryKey: residentKeys.list(filter),
    queryFn: ({ pageParam }) =>
      api.get('/api/residents', ResidentPage, { ...filter, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useResident(id: string) {
  return useQuery({
    queryKey: residentKeys.detail(id),
    queryFn: () => api.get(`/api/residents/${id}`, Resident),
  });
}

export function useAccessLog(id: string) {
  return useQuery({
    queryKey: residentKeys.accessLog(id),
    queryFn: () => api.get(`/api/residents/${id}/access-log`, itemsOf(AccessLogEntry)),
  });
}

export function useTimeline(id: string) {
  return useQuery({
    queryKey: residentKeys.timeline(id),
    queryFn: () => api.get(`/api/residents/${id}/timeline`, itemsOf(ResidentEvent)),
  });
}

export function useHouseholds(dwellingId: string | null | undefined) {
  return useQuery({
    queryKey: residentKeys.households(dwellingId ?? ''),
    queryFn: () => api.get('/api/households', itemsOf(Household), { dwellingId }),
    enabled: Boolean(dwellingId),
  });
}

/** Only for people who may read residents; everyone else sees the plain building grid. */
export function useOccupancy(buildingId: string, enabled: boolean) {
  return useQuery({
    queryKey: residentKeys.occupancy(buildingId),
    queryFn: () => api.get(`/api/buildings/${buildingId}/occupancy`, BuildingOccupancy),
    enabled,
  });
}

function useResidentChanged() {
  const queryClient = useQueryClient();
  return (resident: Resident) => {
    queryClient.setQueryData(residentKeys.detail(resident.id), resident);
    void queryClient.invalidateQueries({ queryKey: ['residents', 'list'] });
    void queryClient.invalidateQueries({ queryKey: residentKeys.timeline(resident.id) });
    void queryClient.invalidateQueries({ queryKey: residentKeys.households(resident.dwellingId) });
    void queryClient.invalidateQueries({ queryKey: ['occupancy'] });
  };
}

export function useCreateResident() {
  const onChanged = useResidentChanged();
  return useMutation({
    mutationFn: (body: ResidentCreateBody) => api.post('/api/residents', Resident, body),
    onSuccess: onChanged,
  });
}

export function useUpdateResident() {
  const onChanged = useResidentChanged();
  return useMutation({
    mutationFn: ({ id, ...body }: ResidentUpdateBody & { id: string }) =>
      api.patch(`/api/residents/${id}`, Resident, body),
    onSuccess: onChanged,
  });
}

export function useMoveOutResident() {
  const onChanged = useResidentChanged();
  return useMutation({
    mutationFn: ({ id, ...body }: ResidentMoveOutBody & { id: string }) =>
      api.post(`/api/residents/${id}/move-out`, Resident, body),
    onSuccess: onChanged,
  });
}

export type ResidentMoveBody = z.input<typeof ResidentMove>;
export type HouseholdMoveBody = z.input<typeof HouseholdMove>;

/** A move changes the lists of both dwellings and the building grids around them. */
function useMoved() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['households'] });
    void queryClient.invalidateQueries({ queryKey: ['residents'] });
    void queryClient.invalidateQueries({ queryKey: ['occupancy'] });
  };
}

export function useMoveResident() {
  const onMoved = useMoved();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: ResidentMoveBody & { id: string }) =>
      api.post(`/api/residents/${id}/move`, ResidentMoved, body),
    onSuccess: (moved) => {
      queryClient.setQueryData(residentKeys.detail(moved.resident.id), moved.resident);
      onMoved();
    },
  });
}

export function useMoveHousehold() {
  const onMoved = useMoved();
  return useMutation({
    mutationFn: ({ id, ...body }: HouseholdMoveBody & { id: string }) =>
      api.post(`/api/households/${id}/move`, Household, body),
    onSuccess: onMoved,
  });
}

/**
 * Clear values are handed to the caller and never kept in the query cache: `gcTime: 0` drops the
 * mutation (and its result) as soon as the dialog that asked is gone.
 */
export function useReveal() {
  const queryClient = useQueryClient();
  return useMutation({
    gcTime: 0,
    mutationFn: ({ id, ...body }: RevealBody & { id: string }) =>
      api.post(`/api/residents/${id}/reveal`, Revealed, body),
    onSettled: (_data, _error, { id }) => {
      void queryClient.invalidateQueries({ queryKey: residentKeys.accessLog(id) });
      void queryClient.invalidateQueries({ queryKey: residentKeys.timeline(id) });
    },
  });
}

export type RelationCreateBody = z.input<typeof ResidentRelationCreate>;
export type HouseholdTagsBody = z.input<typeof HouseholdTagsUpdate>;

export function useRelations(residentId: string) {
  return useQuery({
    queryKey: residentKeys.relations(residentId),
    queryFn: () => api.get(`/api/residents/${residentId}/relations`, itemsOf(ResidentRelation)),
  });
}

/** A relation shows on both ends, so both pages and both timelines are refreshed. */
function useRelationChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['residents', 'relations'] });
    void queryClient.invalidateQueries({ queryKey: ['residents', 'timeline'] });
  };
}

export function useCreateRelation() {
  const onChanged = useRelationChanged();
  return useMutation({
    mutationFn: ({ residentId, ...body }: RelationCreateBody & { residentId: string }) =>
      api.post(`/api/residents/${residentId}/relations`, ResidentRelation, body),
    onSuccess: onChanged,
  });
}

export function useEndRelation() {
  const onChanged = useRelationChanged();
  return useMutation({
    mutationFn: ({ residentId, relationId }: { residentId: string; relationId: string }) =>
      api.post(`/api/residents/${residentId}/relations/${relationId}/end`, Ok),
    onSuccess: onChanged,
  });
}

export function useSetHouseholdTags() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: HouseholdTagsBody & { id: string }) =>
      api.patch(`/api/households/${id}/tags`, Household, body),
    onSuccess: (household) => {
      void queryClient.invalidateQueries({ queryKey: residentKeys.households(household.dwellingId) });
    },
  });
}
