import { TAG_GROUPS, TAGS, type TagCode } from '@linli/shared';
import { type SelectProps, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../i18n/useLocale';

const GROUP_COLOURS: Record<(typeof TAG_GROUPS)[number], string> = {
  elderly: 'orange',
  disability: 'purple',
  welfare: 'gold',
  youth: 'cyan',
  role: 'blue',
  special: 'magenta',
};

export function useTagLabel() {
  const { locale } = useLocale();
  return (code: TagCode) => (locale === 'en-US' ? TAGS[code].en : TAGS[code].zh);
}

export function ResidentTag({ code }: { code: TagCode }) {
  const label = useTagLabel();
  return (
    <Tag color={GROUP_COLOURS[TAGS[code].group]} data-testid="resident-tag" data-tag={code}>
      {label(code)}
    </Tag>
  );
}

export function ResidentTagList({ tags }: { tags: readonly TagCode[] }) {
  if (tags.length === 0) return null;
  return (
    <Space size={[0, 4]} wrap>
      {tags.map((code) => (
        <ResidentTag key={code} code={code} />
      ))}
    </Space>
  );
}

/** Tag options grouped as in the dictionary (老年人, 救助与优抚…), limited to `codes`. */
export function useTagOptions(codes: readonly TagCode[]): SelectProps['options'] {
  const { t } = useTranslation();
  const label = useTagLabel();
  return TAG_GROUPS.map((group) => ({
    label: t(`tagGroup.${group}`),
    title: group,
    options: codes
      .filter((code) => TAGS[code].group === group)
      .map((code) => ({ value: code, label: label(code) })),
  })).filter((group) => group.options.length > 0);
}
