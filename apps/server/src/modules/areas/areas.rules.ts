import type { AreaKind } from '@linli/shared';

/** The one kind each node may hold below it. */
export const CHILD_KIND: Record<AreaKind, AreaKind | null> = {
  district: 'street',
  street: 'community',
  community: 'compound',
  compound: null,
};

export function isValidParent(kind: AreaKind, parentKind: AreaKind | null): boolean {
  if (kind === 'district') return parentKind === null;
  return parentKind !== null && CHILD_KIND[parentKind] === kind;
}

type ParentPlace = {
  id: string;
  kind: AreaKind;
  path: string;
  districtId: string | null;
  streetId: string | null;
  communityId: string | null;
};

/** The scope columns and path a new node inherits from its parent, with its own id where it is that level. */
export function placeUnder(id: string, kind: AreaKind, parent: ParentPlace | null) {
  const path = `${parent?.path ?? '/'}${id}/`;
  return {
    path,
    districtId: kind === 'district' ? id : (parent?.districtId ?? null),
    streetId: kind === 'street' ? id : (parent?.streetId ?? null),
    communityId: kind === 'community' ? id : (parent?.communityId ?? null),
  };
}

/** Ids on a node's path, root first, the node itself last. */
export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/**
 * A node may move only where its scope keys stay valid: a compound to another community of the
 * same street. Moving communities between streets re-keys every tenant row and is a migration job.
 */
export function canMove(kind: AreaKind, from: ParentPlace, to: ParentPlace): boolean {
  return kind === 'compound' && to.kind === 'community' && from.streetId === to.streetId && from.id !== to.id;
}
