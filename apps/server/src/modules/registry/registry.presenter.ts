import type { Ethnicity, Resident, TagCode } from '@linli/shared';
import { dwellingLabel } from '../buildings/buildings.rules';
import type { AddressParts, SearchedResident } from './registry.repository';
import { AGE_TAG_MIN, ageOf } from './registry.rules';

export function addressOf(r: AddressParts): string {
  return `${r.compoundName} ${dwellingLabel(r.buildingName, r.entranceNumber, r.entranceCount, r.dwellingNumber)}`;
}

/** What a Resident is made of: a search hit or a full stored row (whose extra columns are left behind). */
export type PresentableResident = AddressParts & { resident: SearchedResident; hasHealthNote: boolean };

const AGE_TAGS = Object.entries(AGE_TAG_MIN) as [TagCode, number][];

/** Masked by construction: the encrypted columns are never read here. */
export function presentResident(row: PresentableResident, tags: TagCode[], today: string): Resident {
  const r = row.resident;
  const age = ageOf(r.birthDate, today);
  const ageTags = age === null ? [] : AGE_TAGS.filter(([, min]) => age >= min).map(([code]) => code);
  return {
    id: r.id,
    householdId: r.householdId,
    dwellingId: r.dwellingId,
    buildingId: r.buildingId,
    communityId: r.communityId,
    name: r.name,
    formerName: r.formerName,
    sex: r.sex,
    birthDate: r.birthDate,
    age,
    idType: r.idType,
    idNumberMasked: r.idNumberMasked,
    phoneMasked: r.phoneMasked,
    hasHealthNote: row.hasHealthNote,
    residenceType: r.residenceType,
    tenure: r.tenure,
    relationToHead: r.relationToHead,
    selfCare: r.selfCare,
    hukouAddress: r.hukouAddress,
    emergencyContactName: r.emergencyContactName,
    emergencyContactPhoneMasked: r.emergencyContactPhoneMasked,
    ethnicity: r.ethnicity as Ethnicity | null,
    maritalStatus: r.maritalStatus,
    politicalStatus: r.politicalStatus,
    education: r.education,
    occupation: r.occupation,
    employer: r.employer,
    arrivalReason: r.arrivalReason,
    arrivalDate: r.arrivalDate,
    provenance: r.provenance,
    tags: [...ageTags, ...tags],
    address: addressOf(row),
    status: r.status,
    movedOutAt: r.movedOutAt,
    movedOutTo: r.movedOutTo,
    deceasedAt: r.deceasedAt,
    mergedIntoId: r.mergedIntoId,
    lastVerifiedAt: r.lastVerifiedAt?.toISOString() ?? null,
    version: r.version,
  };
}
