import {
  ARRIVAL_REASONS,
  EDUCATION_LEVELS,
  ETHNICITIES,
  ETHNICITY_CODES,
  type Ethnicity,
  type ImportField,
  type ImportMapping,
  type ImportProblem,
  type ImportProblemCode,
  MARITAL_STATUSES,
  normaliseIdNumber,
  POLITICAL_STATUSES,
  parseResidentId,
  TAG_CODES,
  TAGS,
  type TagCode,
} from '@linli/shared';
import { roomNumber } from '../buildings/buildings.rules';

/**
 * Pure rules of the ledger import: which row is the header, which column is which field, and how a
 * messy cell (full-width digits, `2024年3月5日`, an ID that Excel turned into a number) reads.
 */

/** A cell as parsed from the file: text, a number as Excel stored it, or a date cell. */
export type RawCell = string | number | { date: string } | null;
export type RawRow = { row: number; cells: RawCell[] };

/** NFKC folds full-width digits, letters, spaces and brackets to their ASCII forms. */
export function normaliseText(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

const HEADER_SYNONYMS: Record<ImportField, string[]> = {
  name: ['姓名', '名字', '居民姓名', '人员姓名', '成员姓名', 'name'],
  formerName: ['曾用名'],
  sex: ['性别', 'sex', 'gender'],
  birthDate: ['出生日期', '出生年月', '出生年月日', '生日', 'birthdate', 'dateofbirth'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '证件号码', '证件号', '身份证', 'idnumber'],
  phone: ['联系电话', '手机', '手机号', '手机号码', '电话', '电话号码', '联系方式', 'phone', 'mobile'],
  compound: ['小区', '小区名称', '小区名', '居住小区', 'compound'],
  building: ['楼号', '楼栋', '楼栋号', '幢', '幢号', '栋', '栋号', '楼', 'building'],
  entrance: ['单元', '单元号', 'entrance'],
  room: ['室', '室号', '房号', '房间号', '门牌', '门牌号', 'room'],
  address: ['住址', '地址', '现住址', '居住地址', '现居住地址', 'address'],
  tags: ['标签', '人员类别', '人员类型', '类别', '人群类别', 'tags'],
  headName: ['户主', '户主姓名'],
  relationToHead: ['与户主关系', '关系', '家庭关系'],
  hukouAddress: ['户籍地址', '户籍地', '户口所在地', '户籍所在地', '户籍地详址'],
  residenceType: ['人户状态', '户籍类型', '户籍性质', '人户情况', '居住类型'],
  ethnicity: ['民族', 'ethnicity'],
  maritalStatus: ['婚姻状况', '婚姻状态', '婚姻', '婚否'],
  politicalStatus: ['政治面貌'],
  education: ['文化程度', '学历', '教育程度', '最高学历', 'education'],
  occupation: ['职业', '工种', 'occupation'],
  employer: ['工作单位', '服务处所', '就业单位', '单位名称', 'employer'],
  arrivalReason: ['来沪原因', '来本地原因', '来此原因', '迁入原因', '居住事由', '暂住事由'],
  arrivalDate: ['来沪日期', '来沪时间', '来本地日期', '来本地时间', '来此日期', '迁入日期', '迁入时间'],
  emergencyContactName: ['紧急联系人', '紧急联系人姓名'],
  emergencyContactPhone: [
    '紧急联系电话',
    '紧急联系人电话',
    '紧急联系人手机',
    '紧急联系人联系电话',
    '紧急联系人联系方式',
    '紧急联系方式',
  ],
};

const headerKey = (s: string) =>
  normaliseText(s)
    .toLowerCase()
    .replace(/[\s*:：_\-()（）]/g, '')
    .replace(/\(.*\)|（.*）/g, '');

const HEADER_LOOKUP = new Map<string, ImportField>();
for (const [field, names] of Object.entries(HEADER_SYNONYMS) as [ImportField, string[]][]) {
  for (const n of names) HEADER_LOOKUP.set(headerKey(n), field);
}

/** The field a header names: exact synonym first, else the longest synonym it starts with (身份证号码(必填)). */
export function guessField(header: string): ImportField | null {
  const key = headerKey(header);
  if (!key) return null;
  const exact = HEADER_LOOKUP.get(key);
  if (exact) return exact;
  let best: { field: ImportField; len: number } | null = null;
  for (const [syn, field] of HEADER_LOOKUP) {
    if (syn.length >= 2 && key.startsWith(syn) && (!best || syn.length > best.len)) {
      best = { field, len: syn.length };
    }
  }
  return best?.field ?? null;
}

export function cellText(cell: RawCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'object') return cell.date;
  return normaliseText(cell);
}

/**
 * The header is the row among the first ones that names the most known columns (title rows above
 * it name none). At least two known headers, one of them the name, or there is no header.
 */
export function detectHeaderRow(rows: RawRow[], scan = 30): number | null {
  let best: { index: number; score: number } | null = null;
  for (let i = 0; i < Math.min(rows.length, scan); i++) {
    const fields = rows[i]!.cells.map((c) => (typeof c === 'string' ? guessField(c) : null));
    const score = new Set(fields.filter(Boolean)).size;
    if (score >= 2 && fields.includes('name') && (!best || score > best.score)) best = { index: i, score };
  }
  return best?.index ?? null;
}

/** One field per column at most: a later column naming a field already taken is left unmapped. */
export function suggestMapping(headers: string[]): ImportMapping {
  const taken = new Set<ImportField>();
  return headers.map((h) => {
    const f = guessField(h);
    if (!f || taken.has(f)) return null;
    taken.add(f);
    return f;
  });
}

export function mappingIsValid(mapping: ImportMapping, columns: number): boolean {
  if (mapping.length !== columns) return false;
  const used = mapping.filter((m): m is ImportField => m !== null);
  return new Set(used).size === used.length && used.includes('name');
}

/** Applies a saved template (header text → field) to this file's headers. */
export function mappingFromTemplate(headers: string[], columns: Record<string, ImportField>): ImportMapping {
  const byKey = new Map(Object.entries(columns).map(([h, f]) => [headerKey(h), f]));
  const taken = new Set<ImportField>();
  return headers.map((h) => {
    const f = byKey.get(headerKey(h)) ?? null;
    if (!f || taken.has(f)) return null;
    taken.add(f);
    return f;
  });
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

function isoIfReal(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (y < 1880 || y > 2200) return null;
  return date.toISOString().slice(0, 10);
}

/** Dates as ledgers write them: a date cell, an Excel serial, 2024-3-5, 2024.3.5, 2024/3/5, 2024年3月5日, 20240305. */
export function parseDate(cell: RawCell): string | null {
  if (cell === null) return null;
  if (typeof cell === 'object') return cell.date;
  if (typeof cell === 'number') {
    // Serials before 1900-03-01 carry Excel's phantom 29 Feb 1900; no one alive was born then.
    if (!Number.isFinite(cell) || cell < 61 || cell > 120_000) return null;
    return new Date(EXCEL_EPOCH + Math.floor(cell) * 86_400_000).toISOString().slice(0, 10);
  }
  const s = normaliseText(cell).replace(/\s/g, '');
  const m = s.match(/^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$/) ?? s.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (!m) return null;
  return isoIfReal(Number(m[1]), Number(m[2]), Number(m[3]));
}

export type IdCheck =
  | { ok: true; idNumber: string; birthDate: string; sex: 'male' | 'female' }
  | { ok: false; code: ImportProblemCode };

/**
 * An ID stored as a number has lost its last digits (a double holds 15–16 significant digits, an ID
 * has 18), so it is never guessed back: the user must re-export the column as text.
 */
export function checkIdNumber(cell: RawCell): IdCheck | null {
  if (cell === null) return null;
  if (typeof cell === 'number') return { ok: false, code: 'id_numeric' };
  if (typeof cell === 'object') return { ok: false, code: 'id_format' };
  const text = normaliseText(cell);
  if (!text) return null;
  if (/^\d+(\.\d+)?e\+?\d+$/i.test(text.replace(/\s/g, ''))) return { ok: false, code: 'id_scientific' };
  const id = normaliseIdNumber(text);
  const facts = parseResidentId(id);
  if (facts) return { ok: true, idNumber: id, ...facts };
  return { ok: false, code: /^\d{17}[\dX]$/.test(id) ? 'id_checksum' : 'id_format' };
}

/** 11-digit mainland mobile; spaces, dashes and a +86 prefix are what people type around it. */
export function parsePhone(cell: RawCell): { ok: true; phone: string } | { ok: false } | null {
  const text = typeof cell === 'number' ? String(cell) : cellText(cell);
  if (!text) return null;
  const digits = text.replace(/[\s\-()]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? { ok: true, phone: digits } : { ok: false };
}

const SEX_WORDS: Record<string, 'male' | 'female'> = {
  男: 'male',
  男性: 'male',
  m: 'male',
  male: 'male',
  女: 'female',
  女性: 'female',
  f: 'female',
  female: 'female',
};

const RELATION_WORDS: Record<string, string> = {
  户主: 'head',
  本人: 'head',
  配偶: 'spouse',
  妻: 'spouse',
  妻子: 'spouse',
  夫: 'spouse',
  丈夫: 'spouse',
  子: 'child',
  女: 'child',
  儿子: 'child',
  女儿: 'child',
  子女: 'child',
  长子: 'child',
  次子: 'child',
  长女: 'child',
  次女: 'child',
  养子: 'child',
  养女: 'child',
  父亲: 'parent',
  母亲: 'parent',
  父母: 'parent',
  父: 'parent',
  母: 'parent',
  孙子: 'grandchild',
  孙女: 'grandchild',
  外孙: 'grandchild',
  外孙子: 'grandchild',
  外孙女: 'grandchild',
  兄: 'sibling',
  弟: 'sibling',
  姐: 'sibling',
  妹: 'sibling',
  哥哥: 'sibling',
  弟弟: 'sibling',
  姐姐: 'sibling',
  妹妹: 'sibling',
  兄弟姐妹: 'sibling',
  儿媳: 'other_relative',
  女婿: 'other_relative',
  岳父: 'other_relative',
  岳母: 'other_relative',
  公公: 'other_relative',
  婆婆: 'other_relative',
  祖父: 'other_relative',
  祖母: 'other_relative',
  其他亲属: 'other_relative',
  非亲属: 'non_relative',
  租户: 'non_relative',
  保姆: 'non_relative',
  其他: 'non_relative',
};

const RESIDENCE_WORDS: Record<string, string> = {
  户籍: 'hukou',
  户籍人口: 'hukou',
  人户一致: 'hukou',
  户在人在: 'hukou',
  非户籍: 'non_hukou',
  非户籍人口: 'non_hukou',
  外来: 'non_hukou',
  外来人口: 'non_hukou',
  流动人口: 'non_hukou',
  来沪: 'non_hukou',
  人户分离: 'separated',
  户在人不在: 'separated',
};

const wordKey = (s: string) => normaliseText(s).toLowerCase().replace(/\s/g, '');

export const parseSex = (t: string) => SEX_WORDS[wordKey(t)] ?? null;
export const parseRelation = (t: string) => RELATION_WORDS[wordKey(t)] ?? null;
export const parseResidenceType = (t: string) => RESIDENCE_WORDS[wordKey(t)] ?? null;

type MaritalStatus = (typeof MARITAL_STATUSES)[number];
type PoliticalStatus = (typeof POLITICAL_STATUSES)[number];
type Education = (typeof EDUCATION_LEVELS)[number];
type ArrivalReason = (typeof ARRIVAL_REASONS)[number];

const ETHNICITY_WORDS = new Map<string, Ethnicity>();
for (const code of ETHNICITY_CODES) {
  const { zh, en } = ETHNICITIES[code];
  for (const w of [code, String(Number(code)), zh, zh.replace(/族$/, ''), en.toLowerCase()]) {
    if (w) ETHNICITY_WORDS.set(wordKey(w), code);
  }
}

/** 汉, 汉族, 01 or 1 all name the 汉族 code of GB/T 3304. */
export function parseEthnicity(t: string): Ethnicity | null {
  return ETHNICITY_WORDS.get(wordKey(t)) ?? null;
}

const MARITAL_WORDS: Record<string, MaritalStatus> = {
  未婚: 'unmarried',
  单身: 'unmarried',
  已婚: 'married',
  有配偶: 'married',
  初婚: 'married',
  再婚: 'married',
  复婚: 'married',
  离婚: 'divorced',
  离异: 'divorced',
  丧偶: 'widowed',
};

const POLITICAL_WORDS: Record<string, PoliticalStatus> = {
  中共党员: 'cpc_member',
  党员: 'cpc_member',
  共产党员: 'cpc_member',
  中国共产党党员: 'cpc_member',
  中共预备党员: 'cpc_probationary',
  预备党员: 'cpc_probationary',
  共青团员: 'cyl_member',
  团员: 'cyl_member',
  民主党派: 'democratic_party',
  民革党员: 'democratic_party',
  民盟盟员: 'democratic_party',
  民建会员: 'democratic_party',
  民进会员: 'democratic_party',
  农工党党员: 'democratic_party',
  致公党党员: 'democratic_party',
  九三学社社员: 'democratic_party',
  台盟盟员: 'democratic_party',
  无党派: 'non_partisan',
  无党派人士: 'non_partisan',
  无党派民主人士: 'non_partisan',
  群众: 'masses',
};

const EDUCATION_WORDS: Record<string, Education> = {
  文盲: 'none',
  半文盲: 'none',
  文盲或半文盲: 'none',
  不识字: 'none',
  未上学: 'none',
  无: 'none',
  小学: 'primary',
  小学及以下: 'primary',
  初中: 'junior_secondary',
  初级中学: 'junior_secondary',
  高中: 'senior_secondary',
  普通高中: 'senior_secondary',
  中专: 'vocational',
  职高: 'vocational',
  技校: 'vocational',
  中技: 'vocational',
  中等专科: 'vocational',
  中等职业教育: 'vocational',
  大专: 'college',
  专科: 'college',
  大学专科: 'college',
  高职: 'college',
  本科: 'bachelor',
  大学本科: 'bachelor',
  大学: 'bachelor',
  研究生: 'postgraduate',
  硕士: 'postgraduate',
  博士: 'postgraduate',
  硕士研究生: 'postgraduate',
  博士研究生: 'postgraduate',
};

const ARRIVAL_WORDS: Record<string, ArrivalReason> = {
  务工: 'work',
  工作: 'work',
  打工: 'work',
  就业: 'work',
  务工就业: 'work',
  经商: 'business',
  做生意: 'business',
  投亲: 'family',
  投亲靠友: 'family',
  随迁: 'family',
  家属随迁: 'family',
  照顾家人: 'family',
  探亲: 'family',
  学习: 'study',
  求学: 'study',
  上学: 'study',
  就学: 'study',
  读书: 'study',
  婚嫁: 'marriage',
  结婚: 'marriage',
  其他: 'other',
  其它: 'other',
};

/** The word as ledgers write it, or the enum code itself (a file exported from Linli and re-imported). */
function enumWord<T extends string>(words: Record<string, T>, codes: readonly T[], t: string): T | null {
  const k = wordKey(t);
  return words[k] ?? codes.find((c) => c === k) ?? null;
}

/** 已婚, 初婚, 再婚 → married. */
export const parseMaritalStatus = (t: string) => enumWord(MARITAL_WORDS, MARITAL_STATUSES, t);
export const parsePoliticalStatus = (t: string) => enumWord(POLITICAL_WORDS, POLITICAL_STATUSES, t);
export const parseArrivalReason = (t: string) => enumWord(ARRIVAL_WORDS, ARRIVAL_REASONS, t);

/** 初中毕业, 大学本科学历, 高中文化 read as the level they name. */
export function parseEducation(t: string): Education | null {
  const bare = wordKey(t).replace(/(毕业|肄业|在读|学历|文化|程度)+$/, '');
  return enumWord(EDUCATION_WORDS, EDUCATION_LEVELS, t) ?? EDUCATION_WORDS[bare] ?? null;
}

const TAG_WORDS = new Map<string, TagCode>();
for (const code of TAG_CODES) {
  const zh = TAGS[code].zh.replace(/\(.*\)/, '');
  for (const w of [code, zh, `${zh}户`, `${zh}人员`, `${zh}老人`, TAGS[code].en.toLowerCase()]) {
    TAG_WORDS.set(wordKey(w), code);
  }
}
TAG_WORDS.set(wordKey('独居老人'), 'living_alone');
TAG_WORDS.set(wordKey('残疾人'), 'disability');
TAG_WORDS.set(wordKey('高龄'), 'aged_80');

/** A tag cell lists several tags: 党员、志愿者 / 低保户,独居. Unknown words are returned apart. */
export function parseTags(text: string): { codes: TagCode[]; unknown: string[] } {
  const codes = new Set<TagCode>();
  const unknown: string[] = [];
  for (const part of normaliseText(text).split(/[,，、;；/|\s]+/)) {
    if (!part) continue;
    const code = TAG_WORDS.get(wordKey(part));
    if (code) codes.add(code);
    else unknown.push(part);
  }
  return { codes: [...codes], unknown };
}

/** 5, 5号楼, 5号, 5幢, 5栋 name the same building; other names (A座, 东楼) compare as written. */
export function buildingKey(name: string): string {
  const s = normaliseText(name).replace(/\s/g, '');
  const m = s.match(/^(\d+)(?:号楼|号|幢|栋|楼|#)?$/);
  return m ? String(Number(m[1])) : s.toLowerCase();
}

export function parseEntrance(cell: RawCell): number | null {
  const s = cellText(cell).replace(/\s/g, '');
  const m = s.match(/^(\d+)(?:单元|门|号)?$/);
  return m ? Number(m[1]) : null;
}

export function roomKey(cell: RawCell): string {
  return cellText(cell)
    .replace(/\s/g, '')
    .replace(/(室|号|房)$/, '')
    .toUpperCase();
}

/** An address as one cell: 5-2-301, 5号楼2单元301室, 5号楼301. */
export function parseAddress(
  text: string,
): { building: string; entrance: number | null; room: string } | null {
  const s = normaliseText(text).replace(/\s/g, '');
  const dashed = s.match(/(\d+)[-—](\d+)[-—](\d+)$/);
  if (dashed) return { building: dashed[1]!, entrance: Number(dashed[2]), room: dashed[3]! };
  const written = s.match(/(\d+)(?:号楼|号|幢|栋)(?:(\d+)(?:单元|门))?(\d+)室?$/);
  if (written)
    return { building: written[1]!, entrance: written[2] ? Number(written[2]) : null, room: written[3]! };
  return null;
}

/** A row after reading its cells, before any look-up in the database. */
export type ParsedRow = {
  row: number;
  name: string | null;
  formerName: string | null;
  sex: 'male' | 'female' | null;
  birthDate: string | null;
  idNumber: string | null;
  phone: string | null;
  compound: string | null;
  building: string | null;
  entrance: number | null;
  room: string | null;
  tags: TagCode[];
  headName: string | null;
  relationToHead: string | null;
  hukouAddress: string | null;
  residenceType: string | null;
  ethnicity: Ethnicity | null;
  maritalStatus: MaritalStatus | null;
  politicalStatus: PoliticalStatus | null;
  education: Education | null;
  occupation: string | null;
  employer: string | null;
  arrivalReason: ArrivalReason | null;
  arrivalDate: string | null;
  emergencyContactName: string | null;
  emergencyContactPhone: string | null;
  problems: ImportProblem[];
};

const LIMITS: Partial<Record<ImportField, number>> = {
  name: 100,
  formerName: 50,
  headName: 100,
  hukouAddress: 200,
  compound: 100,
  building: 100,
  // The register's own limits (ResidentCreate).
  occupation: 50,
  employer: 100,
  emergencyContactName: 50,
};

/**
 * Reads one row through the mapping. Problems name the field and the column header; the row is
 * taken only when none of its problems is an error (an unknown tag is a warning: the tag is dropped).
 */
export function parseRow(
  raw: RawRow,
  headers: string[],
  mapping: ImportMapping,
  opts: { maySetSensitiveTags: boolean; today: string },
): ParsedRow {
  const out: ParsedRow = {
    row: raw.row,
    name: null,
    formerName: null,
    sex: null,
    birthDate: null,
    idNumber: null,
    phone: null,
    compound: null,
    building: null,
    entrance: null,
    room: null,
    tags: [],
    headName: null,
    relationToHead: null,
    hukouAddress: null,
    residenceType: null,
    ethnicity: null,
    maritalStatus: null,
    politicalStatus: null,
    education: null,
    occupation: null,
    employer: null,
    arrivalReason: null,
    arrivalDate: null,
    emergencyContactName: null,
    emergencyContactPhone: null,
    problems: [],
  };
  const cellOf = (f: ImportField): { cell: RawCell; column: string } | null => {
    const i = mapping.indexOf(f);
    return i < 0 ? null : { cell: raw.cells[i] ?? null, column: headers[i] ?? '' };
  };
  const problem = (
    field: ImportField | null,
    code: ImportProblemCode,
    params?: Record<string, string | number>,
  ) => {
    const column = field ? (cellOf(field)?.column ?? null) : null;
    out.problems.push({ field, column, code, severity: 'error', ...(params && { params }) });
  };
  const warn = (field: ImportField, code: ImportProblemCode, params?: Record<string, string | number>) => {
    out.problems.push({
      field,
      column: cellOf(field)?.column ?? null,
      code,
      severity: 'warning',
      ...(params && { params }),
    });
  };
  const text = (f: ImportField) => {
    const c = cellOf(f);
    const t = c ? cellText(c.cell) : '';
    if (!t) return null;
    const max = LIMITS[f] ?? 200;
    if (t.length > max) {
      problem(f, 'too_long');
      return null;
    }
    return t;
  };

  out.name = text('name');
  if (!out.name) problem('name', 'name_missing');
  out.formerName = text('formerName');
  out.headName = text('headName');
  out.hukouAddress = text('hukouAddress');

  const id = cellOf('idNumber');
  const idCheck = id ? checkIdNumber(id.cell) : null;
  if (idCheck && !idCheck.ok) problem('idNumber', idCheck.code);
  if (idCheck?.ok) {
    out.idNumber = idCheck.idNumber;
    out.birthDate = idCheck.birthDate;
    out.sex = idCheck.sex;
  }

  const sexText = text('sex');
  if (sexText) {
    const sex = parseSex(sexText);
    if (!sex) problem('sex', 'value_unknown');
    else if (out.sex && sex !== out.sex) problem('sex', 'sex_conflict');
    else out.sex = sex;
  }

  const birth = cellOf('birthDate');
  if (birth && cellText(birth.cell)) {
    const date = parseDate(birth.cell);
    if (!date) problem('birthDate', 'date_invalid');
    else if (out.birthDate && date !== out.birthDate) problem('birthDate', 'birth_conflict');
    else out.birthDate = date;
  }

  const phone = cellOf('phone');
  const p = phone ? parsePhone(phone.cell) : null;
  if (p && !p.ok) problem('phone', 'phone_invalid');
  if (p?.ok) out.phone = p.phone;

  const relation = text('relationToHead');
  if (relation) {
    out.relationToHead = parseRelation(relation);
    if (!out.relationToHead) problem('relationToHead', 'value_unknown');
  }
  const residence = text('residenceType');
  if (residence) {
    out.residenceType = parseResidenceType(residence);
    if (!out.residenceType) problem('residenceType', 'value_unknown');
  }

  // The register's finer fields: a value the dictionary does not know is left empty, the row still taken.
  const coded = <T>(f: ImportField, parse: (t: string) => T | null): T | null => {
    const t = text(f);
    if (!t) return null;
    const v = parse(t);
    if (v === null) warn(f, 'value_ignored', { value: t.slice(0, 20) });
    return v;
  };
  out.ethnicity = coded('ethnicity', parseEthnicity);
  out.maritalStatus = coded('maritalStatus', parseMaritalStatus);
  out.politicalStatus = coded('politicalStatus', parsePoliticalStatus);
  out.education = coded('education', parseEducation);
  out.arrivalReason = coded('arrivalReason', parseArrivalReason);
  out.occupation = text('occupation');
  out.employer = text('employer');
  out.emergencyContactName = text('emergencyContactName');
  const arrival = cellOf('arrivalDate');
  if (arrival && cellText(arrival.cell)) {
    const date = parseDate(arrival.cell);
    // The register takes only arrivals that have happened.
    if (!date || date > opts.today) warn('arrivalDate', 'date_ignored');
    else out.arrivalDate = date;
  }
  const contactPhone = cellOf('emergencyContactPhone');
  const cp = contactPhone ? parsePhone(contactPhone.cell) : null;
  if (cp && !cp.ok) warn('emergencyContactPhone', 'contact_phone_ignored');
  if (cp?.ok) out.emergencyContactPhone = cp.phone;

  const tagText = text('tags');
  if (tagText) {
    const { codes, unknown } = parseTags(tagText);
    for (const u of unknown) warn('tags', 'tag_unknown', { tag: u });
    const forbidden = opts.maySetSensitiveTags ? [] : codes.filter((c) => TAGS[c].sensitive);
    for (const f of forbidden) warn('tags', 'tag_forbidden', { tag: TAGS[f].zh });
    // Age tags follow the birth date by themselves: a typed 高龄 adds nothing.
    out.tags = codes.filter((c) => !forbidden.includes(c) && !TAGS[c].derived);
  }

  out.compound = text('compound');
  const addressText = text('address');
  const parsedAddress = addressText ? parseAddress(addressText) : null;
  const b = text('building') ?? parsedAddress?.building ?? null;
  const entranceCell = cellOf('entrance');
  out.entrance = entranceCell ? parseEntrance(entranceCell.cell) : (parsedAddress?.entrance ?? null);
  if (entranceCell && cellText(entranceCell.cell) && out.entrance === null)
    problem('entrance', 'value_unknown');
  const roomCell = cellOf('room');
  const room = roomCell ? roomKey(roomCell.cell) : (parsedAddress?.room ?? '');
  out.building = b;
  out.room = room || null;
  if (!out.building || !out.room)
    problem(addressText ? 'address' : out.building ? 'room' : 'building', 'address_missing');
  return out;
}

/**
 * The floor a room number names under the buildings module's numbering (301 → 3, 1203 → 12): only a
 * number `roomNumber` itself would write, so a dwelling created from it sits where the grid expects.
 */
export function floorOfRoom(room: string): number | null {
  const m = room.match(/^(\d+)(\d{2})$/);
  if (!m) return null;
  const floor = Number(m[1]);
  const index = Number(m[2]);
  if (floor < 1 || index < 1 || roomNumber(floor, index) !== room) return null;
  return floor;
}

/** Index of a room on its floor (301 → 1), for the rooms-per-floor of a building created from a file. */
export const roomIndexOf = (room: string) => Number(room.slice(-2));

export const isTaken = (problems: ImportProblem[]) => !problems.some((p) => p.severity === 'error');
