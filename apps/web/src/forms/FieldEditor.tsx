import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  FORM_FIELD_TYPES,
  FORM_TAG_CODES,
  type FormDefinition,
  type FormField,
  type FormFieldType,
  type RegisterTarget,
  TEXT_MAX_LENGTH,
  TEXTAREA_MAX_LENGTH,
} from '@linli/shared';
import {
  Badge,
  Button,
  Col,
  Collapse,
  Flex,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../i18n/useLocale';
import { useTagOptions } from '../residents/ResidentTags';
import {
  compatibleTargets,
  conditionSources,
  isChoice,
  LENGTH_TYPES,
  NUMERIC_TYPES,
  type Path,
  pathKey,
  problemCountUnder,
  remapField,
  retypeField,
  tagOptions,
} from './formRules';
import { problemText, registerTargetLabel } from './labels';

const FIELD_KEY_RE = /^[a-z][a-z0-9_]{0,39}$/;
const OPTION_VALUE_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export interface FieldEditorProps {
  form: FormInstance;
  /** Index of the section and of the field in it. */
  section: number;
  index: number;
  /** The field's name inside the section's Form.List. */
  name: number;
  count: number;
  definition: FormDefinition;
  problems: Map<string, string[]>;
  defaultOpen: boolean;
  disabled: boolean;
  onMove: (to: number) => void;
  onRemove: () => void;
}

/** One field of the builder: a header with its place in the form, and its settings when opened. */
export function FieldEditor({
  form,
  section,
  index,
  name,
  count,
  definition,
  problems,
  defaultOpen,
  disabled,
  onMove,
  onRemove,
}: FieldEditorProps) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const absolute: Path = ['draft', 'sections', section, 'fields', index];
  const field: FormField | undefined = definition.sections[section]?.fields[index];
  const type = field?.type;
  const problemCount = problemCountUnder(problems, absolute);
  const catalogue = useTagOptions(FORM_TAG_CODES);

  /** The shared rules' problems shown on the input they concern, before anything is saved. */
  const problemProps = (...rest: (string | number)[]) => {
    const codes = problems.get(pathKey([...absolute, ...rest]));
    return codes?.length
      ? {
          validateStatus: 'error' as const,
          help: (
            <span data-testid="field-problem">
              {codes.map((code) => problemText(t, code, locale)).join('；')}
            </span>
          ),
        }
      : {};
  };

  const onTypeChange = (next: FormFieldType) => {
    const current = form.getFieldValue(absolute) as FormField;
    form.setFieldValue(absolute, retypeField({ ...current, type: next }, next));
  };

  const onMapsChange = (next: RegisterTarget | undefined) => {
    const current = form.getFieldValue(absolute) as FormField;
    form.setFieldValue(absolute, remapField(current, next));
  };

  const header = (
    <Flex justify="space-between" align="center" gap={8} style={{ width: '100%' }}>
      <Space size={6} wrap>
        <Typography.Text type="secondary">{index + 1}.</Typography.Text>
        <Typography.Text strong data-testid="field-title">
          {field?.label || t('forms.builder.untitled')}
        </Typography.Text>
        {type && <Tag>{t(`forms.fieldTypes.${type}`)}</Tag>}
        {field?.required && <Tag color="red">{t('forms.builder.required')}</Tag>}
        {field?.showIf && <Tag color="purple">{t('forms.builder.conditional')}</Tag>}
        {field?.maps && <Tag color="blue">{registerTargetLabel(t, field.maps)}</Tag>}
        {problemCount > 0 && (
          <Badge count={problemCount} title={t('forms.builder.problemCount', { count: problemCount })} />
        )}
      </Space>
      {/* The buttons sit in the header: clicks must not also open or close the panel. */}
      <Space size={2} onClick={(event) => event.stopPropagation()}>
        <Tooltip title={t('forms.builder.moveUp')}>
          <Button
            size="small"
            type="text"
            icon={<ArrowUpOutlined />}
            disabled={disabled || index === 0}
            onClick={() => onMove(index - 1)}
            aria-label={t('forms.builder.moveUp')}
            data-testid="field-up"
          />
        </Tooltip>
        <Tooltip title={t('forms.builder.moveDown')}>
          <Button
            size="small"
            type="text"
            icon={<ArrowDownOutlined />}
            disabled={disabled || index === count - 1}
            onClick={() => onMove(index + 1)}
            aria-label={t('forms.builder.moveDown')}
            data-testid="field-down"
          />
        </Tooltip>
        <Tooltip title={t('forms.builder.removeField')}>
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            disabled={disabled}
            onClick={onRemove}
            aria-label={t('forms.builder.removeField')}
            data-testid="field-remove"
          />
        </Tooltip>
      </Space>
    </Flex>
  );

  const sources = conditionSources(definition, section, index);
  const source = sources.find((s) => s.key === field?.showIf?.field);
  const targets = compatibleTargets(type);
  const lengthCap = type === 'textarea' ? TEXTAREA_MAX_LENGTH : TEXT_MAX_LENGTH;

  const body = (
    <>
      <Row gutter={12}>
        <Col span={10}>
          <Form.Item name={[name, 'type']} label={t('forms.builder.type')}>
            <Select
              onChange={onTypeChange}
              options={FORM_FIELD_TYPES.map((value) => ({ value, label: t(`forms.fieldTypes.${value}`) }))}
              data-testid="field-type"
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name={[name, 'key']}
            label={t('forms.builder.key')}
            tooltip={t('forms.builder.keyHint')}
            rules={[
              { required: true, message: t('validation.required') },
              { pattern: FIELD_KEY_RE, message: t('forms.builder.keyPattern') },
            ]}
            {...problemProps('key')}
          >
            <Input data-testid="field-key" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={[name, 'required']} label={t('forms.builder.required')} valuePropName="checked">
            <Switch disabled={type === 'info'} data-testid="field-required" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item
            name={[name, 'sensitive']}
            label={t('forms.builder.sensitive')}
            tooltip={t('forms.builder.sensitiveHint')}
            valuePropName="checked"
            {...problemProps('sensitive')}
          >
            <Switch
              disabled={type === 'info' || type === 'phone' || type === 'id_number'}
              data-testid="field-sensitive"
            />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item
            name={[name, 'label']}
            label={t('forms.builder.label')}
            rules={[
              { required: true, whitespace: true, message: t('validation.required') },
              { max: 500, message: t('validation.maxLength', { max: 500 }) },
            ]}
          >
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} data-testid="field-label" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name={[name, 'labelEn']}
            label={t('forms.builder.labelEn')}
            rules={[{ max: 500, message: t('validation.maxLength', { max: 500 }) }]}
          >
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} data-testid="field-label-en" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item
            name={[name, 'help']}
            label={t('forms.builder.help')}
            rules={[{ max: 500, message: t('validation.maxLength', { max: 500 }) }]}
          >
            <Input placeholder={t('forms.builder.helpPlaceholder')} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name={[name, 'helpEn']}
            label={t('forms.builder.helpEn')}
            rules={[{ max: 500, message: t('validation.maxLength', { max: 500 }) }]}
          >
            <Input data-testid="field-help-en" />
          </Form.Item>
        </Col>
      </Row>
      {type !== 'info' && type !== 'consent' && (
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item
              name={[name, 'message']}
              label={t('forms.builder.message')}
              extra={t('forms.builder.messageHint')}
              rules={[{ max: 200, message: t('validation.maxLength', { max: 200 }) }]}
            >
              <Input placeholder={t('forms.builder.messagePlaceholder')} data-testid="field-message" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name={[name, 'messageEn']}
              label={t('forms.builder.messageEn')}
              rules={[{ max: 200, message: t('validation.maxLength', { max: 200 }) }]}
            >
              <Input data-testid="field-message-en" />
            </Form.Item>
          </Col>
        </Row>
      )}
      {type && NUMERIC_TYPES.includes(type) && (
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name={[name, 'min']} label={t('forms.builder.min')} {...problemProps('min')}>
              <InputNumber style={{ width: '100%' }} data-testid="field-min" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name={[name, 'max']} label={t('forms.builder.max')}>
              <InputNumber style={{ width: '100%' }} data-testid="field-max" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name={[name, 'unit']}
              label={t('forms.builder.unit')}
              rules={[{ max: 20, message: t('validation.maxLength', { max: 20 }) }]}
            >
              <Input placeholder={t('forms.builder.unitPlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
      )}
      {type && LENGTH_TYPES.includes(type) && (
        <Form.Item
          name={[name, 'max']}
          label={t('forms.builder.maxLength')}
          extra={t('forms.builder.maxLengthHint', { max: lengthCap })}
        >
          <InputNumber min={1} max={lengthCap} precision={0} style={{ width: 160 }} />
        </Form.Item>
      )}
      {type === 'multi' && (
        <Form.Item name={[name, 'max']} label={t('forms.builder.maxChoices')}>
          <InputNumber min={1} max={50} precision={0} style={{ width: 160 }} />
        </Form.Item>
      )}
      {type === 'file' && (
        <Form.Item name={[name, 'maxSizeKb']} label={t('forms.builder.maxSizeKb')}>
          <InputNumber min={1} max={10_240} precision={0} style={{ width: 160 }} suffix="KB" />
        </Form.Item>
      )}
      {isChoice(type) && field?.maps === 'resident.tags' && (
        // Tags are picked from the register's catalogue, never typed: the value is the tag code.
        <Form.Item
          label={t('forms.builder.options')}
          required
          extra={t('forms.builder.tagOptionsHint')}
          {...problemProps('options')}
        >
          <Select
            mode="multiple"
            disabled={disabled}
            value={(field.options ?? []).map((o) => o.value)}
            onChange={(codes: string[]) => form.setFieldValue([...absolute, 'options'], tagOptions(codes))}
            options={catalogue}
            placeholder={t('forms.builder.tagOptionsPlaceholder')}
            data-testid="field-tag-options"
          />
        </Form.Item>
      )}
      {isChoice(type) && field?.maps !== 'resident.tags' && (
        <Form.Item label={t('forms.builder.options')} required {...problemProps('options')}>
          <Form.List name={[name, 'options']}>
            {(options, { add, remove, move }) => (
              <>
                {options.map((option, o) => (
                  <Row key={option.key} gutter={6} align="top" data-testid="option-row">
                    <Col span={5}>
                      <Form.Item
                        name={[option.name, 'value']}
                        rules={[
                          { required: true, message: t('validation.required') },
                          { pattern: OPTION_VALUE_RE, message: t('forms.builder.optionValuePattern') },
                        ]}
                      >
                        <Input placeholder={t('forms.builder.optionValue')} data-testid="option-value" />
                      </Form.Item>
                    </Col>
                    <Col span={6}>
                      <Form.Item
                        name={[option.name, 'label']}
                        rules={[
                          { required: true, whitespace: true, message: t('validation.required') },
                          { max: 100, message: t('validation.maxLength', { max: 100 }) },
                        ]}
                      >
                        <Input placeholder={t('forms.builder.optionLabel')} data-testid="option-label" />
                      </Form.Item>
                    </Col>
                    <Col span={5}>
                      <Form.Item
                        name={[option.name, 'labelEn']}
                        rules={[{ max: 100, message: t('validation.maxLength', { max: 100 }) }]}
                      >
                        <Input placeholder={t('forms.builder.optionLabelEn')} />
                      </Form.Item>
                    </Col>
                    <Col span={4}>
                      <Form.Item name={[option.name, 'capacity']}>
                        <InputNumber
                          min={1}
                          max={100_000}
                          precision={0}
                          placeholder={t('forms.builder.capacity')}
                          style={{ width: '100%' }}
                          data-testid="option-capacity"
                        />
                      </Form.Item>
                    </Col>
                    <Col span={4}>
                      <Space size={0}>
                        <Button
                          type="text"
                          size="small"
                          icon={<ArrowUpOutlined />}
                          disabled={disabled || o === 0}
                          onClick={() => move(o, o - 1)}
                          aria-label={t('forms.builder.moveUp')}
                        />
                        <Button
                          type="text"
                          size="small"
                          icon={<ArrowDownOutlined />}
                          disabled={disabled || o === options.length - 1}
                          onClick={() => move(o, o + 1)}
                          aria-label={t('forms.builder.moveDown')}
                        />
                        <Button
                          type="text"
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          disabled={disabled}
                          onClick={() => remove(option.name)}
                          aria-label={t('common.remove')}
                        />
                      </Space>
                    </Col>
                  </Row>
                ))}
                <Button
                  size="small"
                  icon={<PlusOutlined />}
                  disabled={disabled}
                  onClick={() => add({ value: `o${options.length + 1}`, label: '' })}
                  data-testid="option-add"
                >
                  {t('forms.builder.addOption')}
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
      )}
      <Form.Item label={t('forms.builder.showIf')} style={{ marginBottom: 8 }}>
        <Space align="start" wrap>
          <Switch
            checked={!!field?.showIf}
            disabled={disabled || (!field?.showIf && sources.length === 0)}
            onChange={(on) => {
              const first = sources[0];
              form.setFieldValue(
                [...absolute, 'showIf'],
                on && first ? { field: first.key, op: 'equals', value: '' } : undefined,
              );
            }}
            data-testid="field-show-if"
          />
          {!field?.showIf && sources.length === 0 && (
            <Typography.Text type="secondary">{t('forms.builder.showIfNone')}</Typography.Text>
          )}
          {field?.showIf && (
            <>
              <Form.Item name={[name, 'showIf', 'field']} noStyle>
                <Select
                  style={{ width: 200 }}
                  // Another question has other values (and maybe no "includes"): choose again.
                  onChange={(source: string) =>
                    form.setFieldValue([...absolute, 'showIf'], { field: source, op: 'equals', value: '' })
                  }
                  options={sources.map((s) => ({ value: s.key, label: s.label || s.key }))}
                  data-testid="field-show-if-field"
                />
              </Form.Item>
              <Form.Item name={[name, 'showIf', 'op']} noStyle>
                <Select
                  style={{ width: 110 }}
                  options={[
                    { value: 'equals', label: t('forms.builder.opEquals') },
                    ...(source?.type === 'multi'
                      ? [{ value: 'includes', label: t('forms.builder.opIncludes') }]
                      : []),
                  ]}
                />
              </Form.Item>
              <Form.Item name={[name, 'showIf', 'value']} {...problemProps('showIf', 'value')}>
                <Select
                  style={{ width: 180 }}
                  placeholder={t('forms.builder.showIfValue')}
                  options={
                    source?.type === 'yes_no'
                      ? [
                          { value: 'true', label: t('forms.preview.yes') },
                          { value: 'false', label: t('forms.preview.no') },
                        ]
                      : (source?.options ?? [])
                          .filter((o) => o.value)
                          .map((o) => ({ value: o.value, label: o.label || o.value }))
                  }
                  data-testid="field-show-if-value"
                />
              </Form.Item>
              {problems.get(pathKey([...absolute, 'showIf', 'field'])) && (
                <Typography.Text type="danger" data-testid="field-problem">
                  {problems
                    .get(pathKey([...absolute, 'showIf', 'field']))
                    ?.map((code) => problemText(t, code, locale))
                    .join('；')}
                </Typography.Text>
              )}
            </>
          )}
        </Space>
      </Form.Item>
      {targets.length > 0 && (
        <Form.Item
          name={[name, 'maps']}
          label={t('forms.builder.maps')}
          tooltip={t('forms.builder.mapsHint')}
          {...problemProps('maps')}
        >
          <Select
            allowClear
            style={{ maxWidth: 320 }}
            onChange={onMapsChange}
            placeholder={t('forms.builder.mapsNone')}
            options={targets.map((value) => ({ value, label: registerTargetLabel(t, value) }))}
            data-testid="field-maps"
          />
        </Form.Item>
      )}
    </>
  );

  return (
    <Collapse
      size="small"
      style={{ marginBottom: 8 }}
      defaultActiveKey={defaultOpen ? ['field'] : []}
      items={[{ key: 'field', label: header, children: body, forceRender: true }]}
      data-testid="field-editor"
    />
  );
}
