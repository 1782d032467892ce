import type { FormInstance } from 'antd';
import { useCallback, useState } from 'react';
import { ApiError } from './client';
import { validationIssues } from './errors';

export type FieldPath = (string | number)[];

export interface FormServerErrorOptions {
  /** Server field path (dot-joined) → form field, when the form names a field differently. */
  fieldAliases?: Record<string, FieldPath>;
  /** Error codes that are about one field (e.g. `user.username_taken` → username). */
  codeFields?: Record<string, FieldPath>;
}

const pathKey = (path: readonly (string | number)[]) => path.join('.');

function toFieldPath(serverPath: string): FieldPath {
  return serverPath.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Puts server errors where people look for them: validation issues and field-specific codes on their
 * Form.Item, everything else (including version conflicts) into `formError` for a FormErrorAlert.
 */
export function useFormServerErrors(form: FormInstance, options: FormServerErrorOptions = {}) {
  const [formError, setFormError] = useState<unknown>(null);
  const { fieldAliases, codeFields } = options;

  const handleError = useCallback(
    (error: unknown) => {
      if (!(error instanceof ApiError)) {
        setFormError(error);
        return;
      }
      const registered = new Set(form.getFieldsError().map((field) => pathKey(field.name)));
      const fieldErrors = new Map<string, { name: FieldPath; errors: string[] }>();
      const addFieldError = (name: FieldPath, message: string) => {
        const key = pathKey(name);
        if (!registered.has(key)) return false;
        const entry = fieldErrors.get(key) ?? { name, errors: [] };
        if (!entry.errors.includes(message)) entry.errors.push(message);
        fieldErrors.set(key, entry);
        return true;
      };

      const issues = validationIssues(error);
      let unmatched = issues.length === 0;
      for (const issue of issues) {
        const name = fieldAliases?.[issue.path] ?? toFieldPath(issue.path);
        if (!addFieldError(name, issue.message)) unmatched = true;
      }
      const codeField = codeFields?.[error.code];
      if (codeField && addFieldError(codeField, error.message)) unmatched = false;

      form.setFields([...fieldErrors.values()]);
      setFormError(unmatched ? error : null);
    },
    [form, fieldAliases, codeFields],
  );

  const clearFormError = useCallback(() => setFormError(null), []);

  return { formError, handleError, clearFormError };
}
