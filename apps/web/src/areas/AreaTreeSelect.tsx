import type { AreaKind } from '@linli/shared';
import { TreeSelect } from 'antd';
import { type CSSProperties, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAreaTree } from './areas.api';
import { type AreaIndex, ancestorsOf, indexAreas, type TreeArea } from './areaTree';

interface AreaOption {
  value: string;
  title: string;
  disabled: boolean;
  children: AreaOption[];
}

interface AreaTreeSelectProps {
  value?: string | null;
  onChange?: (areaId: string | undefined) => void;
  /** Kinds that may be chosen; other nodes are shown for orientation but disabled. */
  allowedKinds?: readonly AreaKind[];
  /** Compounds are rarely a scope; leaving them out keeps the list short. */
  includeCompounds?: boolean;
  placeholder?: string;
  allowClear?: boolean;
  style?: CSSProperties;
  'data-testid'?: string;
}

function toOptions(
  index: AreaIndex,
  nodes: readonly TreeArea[],
  allowed: (node: TreeArea) => boolean,
  kindLabel: (kind: AreaKind) => string,
  includeCompounds: boolean,
): AreaOption[] {
  return nodes
    .filter((node) => includeCompounds || node.kind !== 'compound')
    .map((node) => ({
      value: node.id,
      title: `${node.name}（${kindLabel(node.kind)}）`,
      disabled: !node.inScope || !allowed(node),
      children: toOptions(index, index.childrenOf(node.id), allowed, kindLabel, includeCompounds),
    }));
}

/** Pick an area of the caller's scope from the area tree. */
export function AreaTreeSelect({
  value,
  onChange,
  allowedKinds,
  includeCompounds = false,
  placeholder,
  allowClear,
  style,
  ...rest
}: AreaTreeSelectProps) {
  const { t } = useTranslation();
  const tree = useAreaTree();
  const index = useMemo(() => indexAreas(tree.data?.nodes ?? []), [tree.data]);
  const options = useMemo(
    () =>
      toOptions(
        index,
        index.roots,
        (node) => !allowedKinds || allowedKinds.includes(node.kind),
        (kind) => t(`areaKind.${kind}`),
        includeCompounds,
      ),
    [index, allowedKinds, includeCompounds, t],
  );
  const expanded = useMemo(() => {
    const keys = index.roots.map((root) => root.id);
    if (value) keys.push(...ancestorsOf(index, value).map((node) => node.id));
    return keys;
  }, [index, value]);

  return (
    <TreeSelect
      value={value ?? undefined}
      onChange={(areaId: string | undefined) => onChange?.(areaId)}
      treeData={options}
      treeDefaultExpandedKeys={expanded}
      showSearch={{ treeNodeFilterProp: 'title' }}
      loading={tree.isPending}
      placeholder={placeholder ?? t('areas.selectPlaceholder')}
      allowClear={allowClear}
      style={{ width: '100%', ...style }}
      popupMatchSelectWidth={false}
      data-testid={rest['data-testid']}
    />
  );
}
