import { Card, Empty, Input, Tree, Typography } from 'antd';
import { type Key, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AreaIndex, type AreaTreeItem, buildTreeItems, initiallyExpandedKeys } from './areaTree';

interface AreaTreePanelProps {
  index: AreaIndex;
  focusId: string | null;
  selectedId: string | null;
  onSelect: (areaId: string) => void;
}

/** Rows are virtualised past this height, so a district-wide tree of thousands of nodes stays fast. */
const TREE_HEIGHT = 640;

export function AreaTreePanel({ index, focusId, selectedId, onSelect }: AreaTreePanelProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const items = useMemo(() => buildTreeItems(index, focusId, search), [index, focusId, search]);
  const defaultExpanded = useMemo(() => initiallyExpandedKeys(items, search.trim() !== ''), [items, search]);
  const [expandedKeys, setExpandedKeys] = useState<Key[] | null>(null);

  return (
    <Card title={t('areas.treeTitle')} styles={{ body: { padding: 12 } }}>
      <Input.Search
        allowClear
        placeholder={t('areas.searchPlaceholder')}
        onChange={(event) => {
          setSearch(event.target.value);
          setExpandedKeys(null);
        }}
        style={{ marginBottom: 12 }}
        data-testid="area-search"
      />
      {items.length === 0 ? (
        <Empty description={search ? t('common.noMatches') : t('areas.empty')} />
      ) : (
        <Tree<AreaTreeItem>
          treeData={items}
          height={TREE_HEIGHT}
          blockNode
          expandedKeys={expandedKeys ?? defaultExpanded}
          onExpand={setExpandedKeys}
          selectedKeys={selectedId ? [selectedId] : []}
          onSelect={(_, { node }) => onSelect(node.area.id)}
          titleRender={(item) => <AreaTreeTitle item={item} />}
          data-testid="area-tree"
        />
      )}
    </Card>
  );
}

function AreaTreeTitle({ item }: { item: AreaTreeItem }) {
  const { t } = useTranslation();
  const { area } = item;
  return (
    <span data-testid="area-node" data-kind={area.kind} data-area-id={area.id}>
      <Typography.Text type={area.inScope ? undefined : 'secondary'}>{area.name}</Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 13, marginLeft: 8 }}>
        {t(`areaKind.${area.kind}`)}
      </Typography.Text>
    </span>
  );
}
