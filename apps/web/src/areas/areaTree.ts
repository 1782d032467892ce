import { type AreaKind, type AreaTree, type Permission, type RoleGrant, roleHas } from '@linli/shared';

export type TreeArea = AreaTree['nodes'][number];

/** The tree's fixed shape: what kind of area may be added under each kind. */
export const CHILD_KIND: Record<AreaKind, AreaKind | null> = {
  district: 'street',
  street: 'community',
  community: 'compound',
  compound: null,
};

export interface AreaIndex {
  byId: ReadonlyMap<string, TreeArea>;
  /** Nodes whose parent is not visible to the caller, in display order. */
  roots: readonly TreeArea[];
  childrenOf(id: string): readonly TreeArea[];
}

const collator = new Intl.Collator('zh-CN', { numeric: true });

function displayOrder(a: TreeArea, b: TreeArea): number {
  return a.sortOrder - b.sortOrder || collator.compare(a.name, b.name);
}

export function indexAreas(nodes: readonly TreeArea[]): AreaIndex {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const children = new Map<string, TreeArea[]>();
  const roots: TreeArea[] = [];
  for (const node of nodes) {
    const parent = node.parentId ? byId.get(node.parentId) : undefined;
    if (!parent) {
      roots.push(node);
      continue;
    }
    const siblings = children.get(parent.id) ?? [];
    siblings.push(node);
    children.set(parent.id, siblings);
  }
  roots.sort(displayOrder);
  for (const siblings of children.values()) siblings.sort(displayOrder);
  return { byId, roots, childrenOf: (id) => children.get(id) ?? [] };
}

/** From the top of the visible tree down to the node's parent. */
export function ancestorsOf(index: AreaIndex, id: string): TreeArea[] {
  const chain: TreeArea[] = [];
  let parentId = index.byId.get(id)?.parentId ?? null;
  while (parentId) {
    const parent = index.byId.get(parentId);
    if (!parent) break;
    chain.unshift(parent);
    parentId = parent.parentId;
  }
  return chain;
}

export function descendantsOf(index: AreaIndex, id: string): TreeArea[] {
  const result: TreeArea[] = [];
  const stack = [...index.childrenOf(id)];
  while (stack.length > 0) {
    const node = stack.pop()!;
    result.push(node);
    stack.push(...index.childrenOf(node.id));
  }
  return result;
}

/** Whether one of the user's roles grants `permission` on this node (a role covers its area and below). */
export function canOnArea(
  grants: readonly RoleGrant[],
  permission: Permission,
  index: AreaIndex,
  areaId: string,
): boolean {
  const chain = new Set([areaId, ...ancestorsOf(index, areaId).map((node) => node.id)]);
  return grants.some((grant) => chain.has(grant.areaId) && roleHas(grant.role, permission));
}

export interface AreaTreeItem {
  key: string;
  title: string;
  area: TreeArea;
  isLeaf: boolean;
  children: AreaTreeItem[];
}

function toItem(index: AreaIndex, node: TreeArea, keep: (node: TreeArea) => boolean): AreaTreeItem | null {
  const children = index
    .childrenOf(node.id)
    .map((child) => toItem(index, child, keep))
    .filter((item) => item !== null);
  if (children.length === 0 && !keep(node)) return null;
  return { key: node.id, title: node.name, area: node, isLeaf: node.kind === 'compound', children };
}

/**
 * The tree as shown: the subtree of the focused area, under the chain of its ancestors for context,
 * or every visible root without a focus. A search keeps matching nodes and the path to them.
 */
export function buildTreeItems(index: AreaIndex, focusId: string | null, search: string): AreaTreeItem[] {
  const needle = search.trim().toLowerCase();
  const keep = (node: TreeArea) => !needle || node.name.toLowerCase().includes(needle);
  const focus = focusId ? index.byId.get(focusId) : undefined;
  if (!focus) {
    return index.roots.map((root) => toItem(index, root, keep)).filter((item) => item !== null);
  }
  let items = [toItem(index, focus, keep)].filter((item) => item !== null);
  for (const ancestor of ancestorsOf(index, focus.id).reverse()) {
    if (items.length === 0) break;
    items = [{ key: ancestor.id, title: ancestor.name, area: ancestor, isLeaf: false, children: items }];
  }
  return items;
}

/** Communities are opened only when few, so a district-wide tree stays a readable list of communities. */
const OPEN_COMMUNITIES_UP_TO = 10;

export function initiallyExpandedKeys(items: readonly AreaTreeItem[], searching: boolean): string[] {
  const keys: string[] = [];
  const communities: string[] = [];
  const visit = (item: AreaTreeItem) => {
    if (item.children.length === 0) return;
    if (item.area.kind === 'community') communities.push(item.key);
    else keys.push(item.key);
    item.children.forEach(visit);
  };
  items.forEach(visit);
  return searching || communities.length <= OPEN_COMMUNITIES_UP_TO ? [...keys, ...communities] : keys;
}
