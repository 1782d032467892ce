import { i18n } from '../i18n/i18n';
import { ApiError } from './client';

export interface ValidationIssue {
  path: string;
  code: string;
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isValidationIssue(value: unknown): value is ValidationIssue {
  return isRecord(value) && typeof value.path === 'string' && typeof value.message === 'string';
}

export function validationIssues(error: ApiError): ValidationIssue[] {
  if (error.code !== 'request.validation' || !isRecord(error.details)) return [];
  const { issues } = error.details;
  return Array.isArray(issues) ? issues.filter(isValidationIssue) : [];
}

export function isVersionConflict(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 409 && error.code.endsWith('.version_conflict');
}

/** A 409 version conflict carries the row as it is now, so the form can show it without another request. */
export function conflictCurrent(error: ApiError): unknown {
  return isRecord(error.details) ? error.details.current : undefined;
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'auth.unauthenticated';
}

export function isPasswordChangeRequired(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'auth.password_change_required';
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return i18n.t('errors.unexpected');
}
