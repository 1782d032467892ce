import type { FormField } from '@linli/shared/forms-answers';
import { localText, TEXT_MAX_LENGTH, TEXTAREA_MAX_LENGTH } from '@linli/shared/forms-answers';
import type { ReactNode } from 'react';
import { AddressField } from './AddressField';
import { type AddressValue, fieldLabel, optionLabel } from './answers';
import { FileField } from './FileField';
import type { Locale, Translate } from './i18n';

export type FieldProps = {
  field: FormField;
  value: unknown;
  onChange: (value: unknown) => void;
  onBlur: () => void;
  error: string | undefined;
  locale: Locale;
  t: Translate;
  slug: string;
  /** Chain mode: places left per option value of this field. */
  remaining: Record<string, number> | undefined;
  /** `?b=` of a per-building poster. */
  presetBuildingId: string | null;
  disabled: boolean;
};

export const inputId = (key: string) => `in-${key}`;
export const fieldId = (key: string) => `field-${key}`;
const errorId = (key: string) => `error-${key}`;

/** One question: its label, help, control and the error under it. */
export function Field(props: FieldProps) {
  const { field, error, locale, t } = props;
  const label = fieldLabel(field, locale);
  const help = localText(field.help, field.helpEn, locale);
  if (field.type === 'info') {
    return (
      <div className="pf-info" id={fieldId(field.key)} data-testid={fieldId(field.key)}>
        {label && <p className="pf-info-title">{label}</p>}
        {help && <p className="pf-help">{help}</p>}
      </div>
    );
  }
  const grouped = ['single', 'multi', 'yes_no', 'address'].includes(field.type);
  const heading = (
    <>
      {label}
      {field.required ? (
        <span className="pf-required" title={t('required')}>
          *
        </span>
      ) : (
        <span className="pf-optional">{t('optional')}</span>
      )}
    </>
  );
  const body = (
    <>
      {help && <p className="pf-help">{help}</p>}
      <Control {...props} />
      {error && (
        <p className="pf-error" id={errorId(field.key)} role="alert" data-testid={errorId(field.key)}>
          {error}
        </p>
      )}
    </>
  );
  const className = error ? 'pf-field pf-field-invalid' : 'pf-field';
  if (grouped) {
    // The separator sits on a wrapper: on the fieldset itself, its legend would break the line.
    return (
      <div className={className} id={fieldId(field.key)} data-testid={fieldId(field.key)}>
        <fieldset className="pf-fieldset">
          <legend className="pf-label">{heading}</legend>
          {body}
        </fieldset>
      </div>
    );
  }
  return (
    <div className={className} id={fieldId(field.key)} data-testid={fieldId(field.key)}>
      <label className="pf-label" htmlFor={inputId(field.key)}>
        {heading}
      </label>
      {body}
    </div>
  );
}

function Control(props: FieldProps): ReactNode {
  const { field, value, onChange, onBlur, error, t, disabled } = props;
  const common = {
    id: inputId(field.key),
    name: field.key,
    disabled,
    onBlur,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId(field.key) : undefined,
    'data-testid': inputId(field.key),
  };
  const text = typeof value === 'string' ? value : '';
  const onText = (e: { target: { value: string } }) => onChange(e.target.value);
  switch (field.type) {
    case 'text':
      return (
        <input
          {...common}
          className="pf-input"
          type="text"
          value={text}
          onChange={onText}
          maxLength={Math.min(field.max ?? TEXT_MAX_LENGTH, TEXT_MAX_LENGTH)}
          autoComplete={field.maps === 'resident.name' ? 'name' : 'off'}
        />
      );
    case 'textarea':
      return (
        <textarea
          {...common}
          className="pf-input pf-textarea"
          rows={4}
          value={text}
          onChange={onText}
          maxLength={Math.min(field.max ?? TEXTAREA_MAX_LENGTH, TEXTAREA_MAX_LENGTH)}
        />
      );
    case 'number':
    case 'temperature':
      return (
        <div className="pf-with-unit">
          <input
            {...common}
            className="pf-input"
            type="text"
            inputMode="decimal"
            value={text}
            onChange={onText}
            maxLength={20}
            placeholder={field.type === 'temperature' ? t('temperatureHint') : undefined}
            autoComplete="off"
          />
          <span className="pf-unit">{field.type === 'temperature' ? '°C' : (field.unit ?? '')}</span>
        </div>
      );
    case 'phone':
      return (
        <input
          {...common}
          className="pf-input"
          type="tel"
          inputMode="numeric"
          autoComplete="tel"
          value={text}
          onChange={onText}
          maxLength={20}
        />
      );
    case 'id_number':
      return (
        <input
          {...common}
          className="pf-input"
          type="text"
          autoCapitalize="characters"
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={onText}
          maxLength={22}
        />
      );
    case 'date':
      return <input {...common} className="pf-input" type="date" value={text} onChange={onText} />;
    case 'datetime':
      return <input {...common} className="pf-input" type="datetime-local" value={text} onChange={onText} />;
    case 'single':
    case 'multi':
      return <Choices {...props} />;
    case 'yes_no':
      return (
        <div className="pf-choices" role="radiogroup">
          {[true, false].map((v) => (
            <label key={String(v)} className={value === v ? 'pf-choice pf-choice-on' : 'pf-choice'}>
              <input
                type="radio"
                name={field.key}
                id={v ? inputId(field.key) : undefined}
                data-testid={`${inputId(field.key)}-${v}`}
                checked={value === v}
                disabled={disabled}
                onChange={() => onChange(v)}
                onBlur={onBlur}
              />
              <span className="pf-choice-text">{v ? t('yes') : t('no')}</span>
            </label>
          ))}
        </div>
      );
    case 'consent':
      return (
        <label className={value === true ? 'pf-choice pf-choice-on' : 'pf-choice'}>
          <input
            {...common}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          <span className="pf-choice-text">{t('consentAgree')}</span>
        </label>
      );
    case 'address':
      return (
        <AddressField
          slug={props.slug}
          locale={props.locale}
          t={t}
          idBase={inputId(field.key)}
          value={(value as AddressValue | undefined) ?? {}}
          onChange={onChange}
          presetBuildingId={props.presetBuildingId}
          invalid={Boolean(error)}
          disabled={disabled}
        />
      );
    case 'file':
      return (
        <FileField
          field={field}
          value={value}
          onChange={onChange}
          slug={props.slug}
          locale={props.locale}
          t={t}
          id={inputId(field.key)}
          invalid={Boolean(error)}
          disabled={disabled}
        />
      );
    case 'info':
      return null;
  }
}

/** Big tappable rows rather than small radio dots: residents are often old and on small phones. */
function Choices({ field, value, onChange, onBlur, locale, t, remaining, disabled }: FieldProps) {
  const multi = field.type === 'multi';
  const chosen = multi ? (Array.isArray(value) ? (value as string[]) : []) : [];
  return (
    <div className="pf-choices" role={multi ? 'group' : 'radiogroup'}>
      {multi && field.max !== undefined && <p className="pf-help">{t('maxChoices', { max: field.max })}</p>}
      {(field.options ?? []).map((option, i) => {
        const on = multi ? chosen.includes(option.value) : value === option.value;
        const left = remaining?.[option.value];
        const full = left !== undefined && left <= 0;
        return (
          <label
            key={option.value}
            className={`pf-choice${on ? ' pf-choice-on' : ''}${full && !on ? ' pf-choice-full' : ''}`}
          >
            <input
              type={multi ? 'checkbox' : 'radio'}
              name={field.key}
              id={i === 0 ? inputId(field.key) : undefined}
              data-testid={`${inputId(field.key)}-${option.value}`}
              value={option.value}
              checked={on}
              // A full option can still be unticked, never newly chosen.
              disabled={disabled || (full && !on)}
              onBlur={onBlur}
              onChange={(e) => {
                if (!multi) onChange(option.value);
                else
                  onChange(
                    e.target.checked ? [...chosen, option.value] : chosen.filter((v) => v !== option.value),
                  );
              }}
            />
            <span className="pf-choice-text">{optionLabel(option, locale)}</span>
            {left !== undefined && (
              <span className="pf-left">{full ? t('full') : t('remaining', { n: left })}</span>
            )}
          </label>
        );
      })}
    </div>
  );
}
