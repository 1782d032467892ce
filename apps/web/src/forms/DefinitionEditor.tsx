import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  DownOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import { FORM_FIELD_TYPES, type FormDefinition, type FormFieldType } from '@linli/shared';
import {
  Button,
  Card,
  Col,
  Dropdown,
  Flex,
  Form,
  type FormInstance,
  Input,
  Popconfirm,
  Row,
  Space,
  Tooltip,
} from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { FieldEditor } from './FieldEditor';
import { newField } from './formRules';

interface DefinitionEditorProps {
  form: FormInstance;
  definition: FormDefinition;
  problems: Map<string, string[]>;
  disabled: boolean;
}

/** Sections and their fields, in the order the resident will meet them. */
export function DefinitionEditor({ form, definition, problems, disabled }: DefinitionEditorProps) {
  const { t } = useTranslation();
  return (
    <Form.List name={['draft', 'sections']}>
      {(sections, { add, remove, move }) => (
        <>
          {sections.map((section, s) => (
            <Card
              key={section.key}
              size="small"
              style={{ marginBottom: 12 }}
              data-testid="section-editor"
              title={
                <Flex gap={8}>
                  <Form.Item
                    name={[section.name, 'title']}
                    style={{ margin: '8px 0', flex: 1 }}
                    rules={[{ max: 200, message: t('validation.maxLength', { max: 200 }) }]}
                  >
                    <Input
                      variant="borderless"
                      placeholder={t('forms.builder.sectionTitle', { no: s + 1 })}
                      style={{ fontWeight: 600 }}
                      data-testid="section-title"
                    />
                  </Form.Item>
                  <Form.Item
                    name={[section.name, 'titleEn']}
                    style={{ margin: '8px 0', flex: 1 }}
                    rules={[{ max: 200, message: t('validation.maxLength', { max: 200 }) }]}
                  >
                    <Input
                      variant="borderless"
                      placeholder={t('forms.builder.sectionTitleEn')}
                      data-testid="section-title-en"
                    />
                  </Form.Item>
                </Flex>
              }
              extra={
                <Space size={2}>
                  <Tooltip title={t('forms.builder.moveUp')}>
                    <Button
                      size="small"
                      type="text"
                      icon={<ArrowUpOutlined />}
                      disabled={disabled || s === 0}
                      onClick={() => move(s, s - 1)}
                      aria-label={t('forms.builder.moveUp')}
                    />
                  </Tooltip>
                  <Tooltip title={t('forms.builder.moveDown')}>
                    <Button
                      size="small"
                      type="text"
                      icon={<ArrowDownOutlined />}
                      disabled={disabled || s === sections.length - 1}
                      onClick={() => move(s, s + 1)}
                      aria-label={t('forms.builder.moveDown')}
                    />
                  </Tooltip>
                  {/* A section takes its questions with it: ask first. */}
                  <Popconfirm
                    title={t('forms.builder.removeSectionConfirm', {
                      count: definition.sections[s]?.fields.length ?? 0,
                    })}
                    onConfirm={() => remove(section.name)}
                    disabled={disabled || sections.length === 1}
                  >
                    <Tooltip title={t('forms.builder.removeSection')}>
                      <Button
                        size="small"
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        disabled={disabled || sections.length === 1}
                        aria-label={t('forms.builder.removeSection')}
                      />
                    </Tooltip>
                  </Popconfirm>
                </Space>
              }
            >
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item
                    name={[section.name, 'description']}
                    rules={[{ max: 1000, message: t('validation.maxLength', { max: 1000 }) }]}
                  >
                    <Input.TextArea
                      autoSize={{ minRows: 1, maxRows: 4 }}
                      placeholder={t('forms.builder.sectionDescription')}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name={[section.name, 'descriptionEn']}
                    rules={[{ max: 1000, message: t('validation.maxLength', { max: 1000 }) }]}
                  >
                    <Input.TextArea
                      autoSize={{ minRows: 1, maxRows: 4 }}
                      placeholder={t('forms.builder.sectionDescriptionEn')}
                      data-testid="section-description-en"
                    />
                  </Form.Item>
                </Col>
              </Row>
              <SectionFields
                form={form}
                section={s}
                sectionName={section.name}
                definition={definition}
                problems={problems}
                disabled={disabled}
              />
            </Card>
          ))}
          <Button
            block
            type="dashed"
            icon={<PlusOutlined />}
            disabled={disabled || sections.length >= 20}
            onClick={() => add({ title: '', fields: [] })}
            data-testid="section-add"
          >
            {t('forms.builder.addSection')}
          </Button>
        </>
      )}
    </Form.List>
  );
}

interface SectionFieldsProps {
  form: FormInstance;
  section: number;
  sectionName: number;
  definition: FormDefinition;
  problems: Map<string, string[]>;
  disabled: boolean;
}

function SectionFields({ form, section, sectionName, definition, problems, disabled }: SectionFieldsProps) {
  const { t } = useTranslation();
  // Fields there when the section was first drawn stay closed; a field added since opens for editing.
  const initialKeys = useRef<Set<number> | null>(null);
  return (
    <Form.List name={[sectionName, 'fields']}>
      {(fields, { add, remove, move }) => {
        initialKeys.current ??= new Set(fields.map((f) => f.key));
        return (
          <>
            {fields.map((field, f) => (
              <FieldEditor
                key={field.key}
                form={form}
                section={section}
                index={f}
                name={field.name}
                count={fields.length}
                definition={definition}
                problems={problems}
                defaultOpen={!initialKeys.current?.has(field.key)}
                disabled={disabled}
                onMove={(to) => move(f, to)}
                onRemove={() => remove(field.name)}
              />
            ))}
            <Flex justify="flex-start">
              <Dropdown
                disabled={disabled}
                trigger={['click']}
                menu={{
                  items: FORM_FIELD_TYPES.map((type) => ({
                    key: type,
                    label: <span data-testid={`field-add-${type}`}>{t(`forms.fieldTypes.${type}`)}</span>,
                  })),
                  onClick: ({ key }) =>
                    add(newField(definition, key as FormFieldType, t('forms.builder.newFieldLabel'))),
                }}
              >
                <Button icon={<PlusOutlined />} data-testid="field-add">
                  <Space size={4}>
                    {t('forms.builder.addField')}
                    <DownOutlined />
                  </Space>
                </Button>
              </Dropdown>
            </Flex>
          </>
        );
      }}
    </Form.List>
  );
}
