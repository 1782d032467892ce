import { AppError } from '../../platform/errors';

export const submissionNotFound = () => new AppError('submission.not_found');
export const invalidStatus = (status: string, ids?: string[]) =>
  new AppError('submission.invalid_status', {}, { status, ...(ids && { ids }) });
export const notAnswered = (targets: string[]) =>
  new AppError(
    'submission.not_answered',
    {},
    { issues: targets.map((path) => ({ path, code: 'not_answered' })) },
  );
