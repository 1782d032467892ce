import { DownloadOutlined, FilePdfOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Flex, Image, Row, Select, Space, Spin, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveBlob } from '../api/download';
import { errorText } from '../api/errors';
import { useAreaTree, useBuildingsOf } from '../areas/areas.api';
import { descendantsOf, indexAreas } from '../areas/areaTree';
import { formatDateTimeShort } from '../i18n/format';
import { i18n } from '../i18n/i18n';
import { isLocalHost, publicFormUrl } from './formRules';
import type { FormDetail } from './forms.api';
import {
  drawPoster,
  type PosterContent,
  type PosterLabels,
  posterFileName,
  posterPdf,
  posterPng,
  qrDataUrl,
} from './poster';

/** Where residents find the form: its public address, a QR code and a poster to print. */
export function SharePanel({ detail }: { detail: FormDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const tree = useAreaTree();
  const [buildingId, setBuildingId] = useState<string | null>(null);
  const compounds = useMemo(() => {
    if (!tree.data) return [];
    return descendantsOf(indexAreas(tree.data.nodes), detail.areaId).filter((n) => n.kind === 'compound');
  }, [tree.data, detail.areaId]);
  const { buildings } = useBuildingsOf(compounds.map((c) => c.id));
  const buildingOptions = useMemo(() => {
    const compoundName = new Map(compounds.map((c) => [c.id, c.name]));
    const zh = i18n.getFixedT('zh-CN');
    // A bare number is a building number: 5 → 5号楼, as residents say it.
    const named = (name: string, tr: TFunction) =>
      /^\d+$/.test(name) ? tr('forms.share.buildingNo', { name }) : name;
    return buildings.map((b) => ({
      value: b.id,
      label: `${compoundName.get(b.compoundId) ?? ''} ${named(b.name, t)}`.trim(),
      posterName: `${compoundName.get(b.compoundId) ?? ''} ${named(b.name, zh)}`.trim(),
    }));
  }, [buildings, compounds, t]);
  const buildingName = buildingOptions.find((o) => o.value === buildingId)?.posterName ?? null;

  const url = publicFormUrl(detail, window.location.origin, buildingId);
  // Typed by hand from a poster, the short address serves as well: the resident picks the building.
  const printedUrl = publicFormUrl(detail, window.location.origin);
  const unreachable = isLocalHost(new URL(url).hostname);
  const [qr, setQr] = useState<string | null>(null);
  const [poster, setPoster] = useState<{ canvas: HTMLCanvasElement; preview: string } | null>(null);
  const [busy, setBusy] = useState<'png' | 'pdf' | null>(null);

  const content: PosterContent = useMemo(
    () => ({
      areaName: detail.areaName,
      buildingName,
      title: detail.title,
      titleEn: detail.titleEn || null,
      url,
      printedUrl,
      closesAt: detail.closesAt ? formatDateTimeShort(detail.closesAt) : null,
      purpose: detail.privacy.purpose,
    }),
    [detail, buildingName, url, printedUrl],
  );
  // A printed poster speaks to every resident, whatever language the console is in: Chinese first,
  // then a line of English.
  const labels: PosterLabels = useMemo(() => {
    const zh = i18n.getFixedT('zh-CN');
    const en = i18n.getFixedT('en-US');
    return {
      scan: zh('forms.poster.scan'),
      scanEn: en('forms.poster.scan'),
      closes: (at) => `${zh('forms.poster.closesLabel')} ${en('forms.poster.closesLabel')}  ${at}`,
      purpose: (purpose) => zh('forms.poster.purpose', { purpose }),
      footer: zh('forms.poster.footer'),
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    setQr(null);
    setPoster(null);
    void (async () => {
      try {
        const image = await qrDataUrl(url, 320);
        if (cancelled) return;
        setQr(image);
        const canvas = await drawPoster(content, labels);
        if (cancelled) return;
        // A small copy for the screen; the download uses the full-resolution canvas.
        const small = document.createElement('canvas');
        small.width = 496;
        small.height = 702;
        small.getContext('2d')?.drawImage(canvas, 0, 0, small.width, small.height);
        setPoster({ canvas, preview: small.toDataURL('image/png') });
      } catch (error) {
        if (!cancelled) message.error(errorText(error));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [url, content, labels, message]);

  const download = async (kind: 'png' | 'pdf') => {
    if (!poster) return;
    setBusy(kind);
    try {
      const blob = kind === 'png' ? await posterPng(poster.canvas) : await posterPdf(poster.canvas);
      saveBlob(blob, posterFileName(detail.title, buildingName, kind));
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Row gutter={24} data-testid="form-share">
      <Col xs={24} lg={12}>
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <div>
            <Typography.Text strong>{t('forms.share.building')}</Typography.Text>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: '100%', marginTop: 8 }}
              placeholder={t('forms.share.wholeArea', { area: detail.areaName })}
              value={buildingId ?? undefined}
              onChange={(value: string | undefined) => setBuildingId(value ?? null)}
              options={buildingOptions.map(({ value, label }) => ({ value, label }))}
              data-testid="share-building"
            />
            <Typography.Paragraph type="secondary" style={{ marginTop: 4 }}>
              {t('forms.share.buildingHint')}
            </Typography.Paragraph>
          </div>
          <div>
            <Typography.Text strong>{t('forms.share.url')}</Typography.Text>
            <Typography.Paragraph
              copyable={{ text: url, tooltips: [t('common.copy'), t('common.copied')] }}
              code
              style={{ fontSize: 16, marginTop: 8 }}
              data-testid="share-url"
            >
              {url}
            </Typography.Paragraph>
            {unreachable && (
              <Alert
                type="warning"
                showIcon
                title={t('forms.share.localAddress')}
                data-testid="share-local-address"
              />
            )}
          </div>
          <Flex gap={16} align="center">
            {qr ? (
              <img src={qr} width={200} height={200} alt={t('forms.share.qrAlt')} data-testid="share-qr" />
            ) : (
              <Spin />
            )}
            <Typography.Text type="secondary">{t('forms.share.qrHint')}</Typography.Text>
          </Flex>
          <Space wrap>
            <Button
              type="primary"
              icon={<DownloadOutlined />}
              disabled={!poster}
              loading={busy === 'png'}
              onClick={() => void download('png')}
              data-testid="share-poster-png"
            >
              {t('forms.share.posterPng')}
            </Button>
            <Button
              icon={<FilePdfOutlined />}
              disabled={!poster}
              loading={busy === 'pdf'}
              onClick={() => void download('pdf')}
              data-testid="share-poster-pdf"
            >
              {t('forms.share.posterPdf')}
            </Button>
          </Space>
        </Space>
      </Col>
      <Col xs={24} lg={12}>
        <Card size="small" title={t('forms.share.posterPreview')}>
          <Flex justify="center">
            {poster ? (
              <Image
                src={poster.preview}
                width={372}
                alt={t('forms.share.posterPreview')}
                style={{ border: '1px solid #f0f0f0' }}
                data-testid="share-poster-preview"
              />
            ) : (
              <Spin style={{ margin: 80 }} />
            )}
          </Flex>
        </Card>
      </Col>
    </Row>
  );
}
