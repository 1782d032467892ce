import {
  type EncryptedColumns,
  type RotationStep,
  remainingIn,
  rotateColumns,
} from '../../platform/rotation';
import { dwellings } from './buildings.table';

/** The owner's or landlord's phone of a dwelling profile: ciphertext and keyed hash, like a resident's. */
const DWELLINGS: EncryptedColumns = {
  table: dwellings,
  id: dwellings.id,
  columns: [{ enc: dwellings.ownerPhoneEnc, hash: dwellings.ownerPhoneHash }],
};

export const buildingsRotation: RotationStep = {
  module: 'buildings',
  remaining: (db, crypto) => remainingIn(db, crypto, DWELLINGS),
  rotate: (run) => rotateColumns(run, DWELLINGS),
};
