import {
  AREA_KINDS,
  BUILDING_KINDS,
  DELEGATION_STATUSES,
  DELEGATION_TITLES,
  DWELLING_STATUSES,
  ROLES,
  USER_STATUSES,
} from '@linli/shared';
import type { TFunction } from 'i18next';
import { formatDateTime } from '../i18n/format';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** Placeholders the server writes instead of secrets. */
const REDACTED = new Set(['[redacted]', '[revealed]']);

function lookup(labels: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** "delegation.create" → "新建委托"; actions added by later modules show their code until labelled. */
export function actionLabel(t: TFunction, action: string): string {
  const labels: Record<string, Record<string, string>> = t('auditAction', { returnObjects: true });
  const [entity = '', verb = ''] = action.split('.');
  const group = Object.hasOwn(labels, entity) ? labels[entity] : undefined;
  return (group && lookup(group, verb)) ?? action;
}

export function entityTypeLabel(t: TFunction, entityType: string): string {
  return lookup(t('auditEntity', { returnObjects: true }), entityType) ?? entityType;
}

export function fieldLabel(t: TFunction, field: string): string {
  return lookup(t('auditField', { returnObjects: true }), field) ?? field;
}

function oneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** Enum values the server records as codes, shown with the same labels as elsewhere in the console. */
function enumLabel(t: TFunction, entityType: string, field: string, value: string): string | undefined {
  if (field === 'role' && oneOf(ROLES, value)) return t(`role.${value}`);
  if (field === 'title' && oneOf(DELEGATION_TITLES, value)) return t(`delegationTitle.${value}`);
  if (field === 'kind' && entityType === 'area' && oneOf(AREA_KINDS, value)) return t(`areaKind.${value}`);
  if (field === 'kind' && entityType === 'building' && oneOf(BUILDING_KINDS, value)) {
    return t(`buildingKind.${value}`);
  }
  if (field !== 'status') return undefined;
  if (entityType === 'user' && oneOf(USER_STATUSES, value)) return t(`userStatus.${value}`);
  if (entityType === 'dwelling' && oneOf(DWELLING_STATUSES, value)) return t(`dwellingStatus.${value}`);
  if (entityType === 'delegation' && oneOf(DELEGATION_STATUSES, value)) return t(`delegationStatus.${value}`);
  return undefined;
}

export function auditValue(t: TFunction, entityType: string, field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'string') {
    if (REDACTED.has(value)) return t('audit.redacted');
    if (ISO_DATE_TIME.test(value)) return formatDateTime(value);
    return enumLabel(t, entityType, field, value) ?? value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return value.length === 0 ? '—' : value.map((item) => auditValue(t, entityType, field, item)).join('、');
  }
  return JSON.stringify(value);
}
