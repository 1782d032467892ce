import {
  type EncryptedColumns,
  type RotationStep,
  remainingIn,
  rotateColumns,
} from '../../platform/rotation';
import { importJobs } from './imports.table';

/** The parsed rows of a job not yet committed or expired: one ciphertext, no hash beside it. */
const IMPORT_JOBS: EncryptedColumns = {
  table: importJobs,
  id: importJobs.id,
  columns: [{ enc: importJobs.rowsEnc }],
  // A whole spreadsheet each (50,000 rows is a few megabytes of ciphertext).
  maxBatch: 10,
};

export const importsRotation: RotationStep = {
  module: 'imports',
  remaining: (db, crypto) => remainingIn(db, crypto, IMPORT_JOBS),
  rotate: (run) => rotateColumns(run, IMPORT_JOBS),
};
