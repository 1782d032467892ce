import { Card, Col, Empty, Row, Spin } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useCurrentArea } from '../app/currentArea';
import { AreaDetailPanel } from './AreaDetailPanel';
import { AreaTreePanel } from './AreaTreePanel';
import { useAreaTree } from './areas.api';
import { indexAreas } from './areaTree';

const SELECTED_PARAM = 'area';

export function AreasPage() {
  const { t } = useTranslation();
  const tree = useAreaTree();
  const { current } = useCurrentArea();
  const [searchParams, setSearchParams] = useSearchParams();
  const index = useMemo(() => indexAreas(tree.data?.nodes ?? []), [tree.data]);

  if (tree.isPending) return <Spin size="large" />;
  if (tree.isError) return <QueryErrorResult error={tree.error} onRetry={() => void tree.refetch()} />;

  const focusId = current && index.byId.has(current.id) ? current.id : null;
  const selectedId = searchParams.get(SELECTED_PARAM) ?? focusId;
  const selected = selectedId ? index.byId.get(selectedId) : undefined;
  const select = (areaId: string | null) =>
    setSearchParams(areaId ? { [SELECTED_PARAM]: areaId } : {}, { replace: true });

  return (
    <Row gutter={[16, 16]} align="top">
      <Col xs={24} lg={9} xl={8}>
        <AreaTreePanel index={index} focusId={focusId} selectedId={selected?.id ?? null} onSelect={select} />
      </Col>
      <Col xs={24} lg={15} xl={16}>
        {selected ? (
          <AreaDetailPanel key={selected.id} area={selected} index={index} onSelect={select} />
        ) : (
          <Card>
            <Empty description={t('areas.selectHint')} />
          </Card>
        )}
      </Col>
    </Row>
  );
}
