import type { RoleGrant } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import {
  ancestorsOf,
  buildTreeItems,
  canOnArea,
  descendantsOf,
  indexAreas,
  initiallyExpandedKeys,
  type TreeArea,
} from './areaTree';

let seq = 0;
const id = () => `00000000-0000-7000-8000-${String(++seq).padStart(12, '0')}`;

function node(
  kind: TreeArea['kind'],
  name: string,
  parent: TreeArea | null,
  extra: Partial<TreeArea> = {},
): TreeArea {
  return {
    id: id(),
    kind,
    name,
    code: null,
    parentId: parent?.id ?? null,
    streetId: null,
    communityId: null,
    sortOrder: 0,
    buildingCount: 0,
    dwellingCount: 0,
    version: 1,
    inScope: true,
    ...extra,
  };
}

const district = node('district', '示例区', null, { inScope: false });
const street = node('street', '示例街道', district, { inScope: false });
const meiyuan = node('community', '梅园居民区', street);
const guilin = node('community', '桂林居民区', street, { sortOrder: -1 });
const village2 = node('compound', '梅园2村', meiyuan);
const village10 = node('compound', '梅园10村', meiyuan);
const village1 = node('compound', '梅园一村', meiyuan, { sortOrder: -5 });
const nodes = [district, street, meiyuan, guilin, village2, village10, village1];

function grant(role: RoleGrant['role'], area: TreeArea): RoleGrant {
  return {
    id: id(),
    role,
    areaId: area.id,
    areaName: area.name,
    areaKind: area.kind,
    via: 'grant',
    endsAt: null,
  };
}

describe('indexAreas', () => {
  it('orders siblings by sort order, then by name with numbers compared as numbers', () => {
    const index = indexAreas(nodes);
    expect(index.roots).toEqual([district]);
    expect(index.childrenOf(street.id)).toEqual([guilin, meiyuan]);
    expect(index.childrenOf(meiyuan.id).map((n) => n.name)).toEqual(['梅园一村', '梅园2村', '梅园10村']);
  });

  it('treats a node whose parent is not visible as a root', () => {
    const index = indexAreas([meiyuan, village1]);
    expect(index.roots).toEqual([meiyuan]);
  });
});

describe('ancestorsOf / descendantsOf', () => {
  const index = indexAreas(nodes);
  it('lists the chain from the top down to the parent', () => {
    expect(ancestorsOf(index, village2.id)).toEqual([district, street, meiyuan]);
    expect(ancestorsOf(index, district.id)).toEqual([]);
  });
  it('lists everything below a node', () => {
    expect(
      descendantsOf(index, street.id)
        .map((n) => n.id)
        .sort(),
    ).toEqual([meiyuan, guilin, village1, village2, village10].map((n) => n.id).sort());
  });
});

describe('canOnArea', () => {
  const index = indexAreas(nodes);
  it('a role covers its own area and everything below it', () => {
    const grants = [grant('community_admin', meiyuan)];
    expect(canOnArea(grants, 'area.manage', index, meiyuan.id)).toBe(true);
    expect(canOnArea(grants, 'area.manage', index, village2.id)).toBe(true);
    expect(canOnArea(grants, 'area.manage', index, guilin.id)).toBe(false);
    expect(canOnArea(grants, 'area.manage', index, street.id)).toBe(false);
  });
  it('only permissions the role holds count', () => {
    expect(canOnArea([grant('grid_worker', meiyuan)], 'area.manage', index, village1.id)).toBe(false);
    expect(canOnArea([grant('community_worker', meiyuan)], 'building.manage', index, village1.id)).toBe(true);
  });
});

describe('buildTreeItems', () => {
  const index = indexAreas(nodes);
  it('shows the focused subtree under its ancestors only', () => {
    const [top] = buildTreeItems(index, meiyuan.id, '');
    expect(top?.area).toBe(district);
    expect(top?.children.map((c) => c.area)).toEqual([street]);
    expect(top?.children[0]?.children.map((c) => c.area)).toEqual([meiyuan]);
    expect(top?.children[0]?.children[0]?.children).toHaveLength(3);
  });
  it('keeps matches of a search and the path to them', () => {
    const [top] = buildTreeItems(index, null, '2村');
    const community = top?.children[0]?.children;
    expect(community?.map((c) => c.area)).toEqual([meiyuan]);
    expect(community?.[0]?.children.map((c) => c.area)).toEqual([village2]);
  });
  it('returns nothing when nothing matches', () => {
    expect(buildTreeItems(index, null, '不存在')).toEqual([]);
  });
  it('marks compounds as leaves', () => {
    const [top] = buildTreeItems(index, village1.id, '');
    const leaf = top?.children[0]?.children[0]?.children[0];
    expect(leaf?.isLeaf).toBe(true);
  });
});

describe('initiallyExpandedKeys', () => {
  it('opens districts, streets and (when few) communities', () => {
    const keys = initiallyExpandedKeys(buildTreeItems(indexAreas(nodes), null, ''), false);
    expect(keys).toEqual(expect.arrayContaining([district.id, street.id, meiyuan.id]));
    expect(keys).not.toContain(guilin.id);
  });
  it('keeps many communities closed', () => {
    const many = Array.from({ length: 12 }, (_, i) => node('community', `社区${i}`, street));
    const compounds = many.map((community) => node('compound', '小区', community));
    const keys = initiallyExpandedKeys(
      buildTreeItems(indexAreas([district, street, ...many, ...compounds]), null, ''),
      false,
    );
    expect(keys).toEqual([district.id, street.id]);
  });
});
