/**
 * Every error the API can answer, with its HTTP status and its message in both languages.
 * Codes are stable: clients and tests match on them, never on messages.
 * `{name}` placeholders are filled from the error's params.
 */
export const ERRORS = {
  'request.validation': { status: 400, zh: '输入有误，请检查标出的字段', en: 'Some fields are invalid' },
  'request.malformed': { status: 400, zh: '请求格式错误', en: 'The request body is not valid JSON' },
  'request.too_large': { status: 413, zh: '请求内容过大', en: 'The request body is too large' },
  'request.unsupported_media_type': { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  'request.route_not_found': { status: 404, zh: '接口不存在', en: 'No such endpoint' },
  'request.conflict': {
    status: 409,
    zh: '数据刚被其他操作修改，请刷新后重试',
    en: 'The data was changed by another request at the same time; reload and retry',
  },
  'request.rate_limited': {
    status: 429,
    zh: '操作过于频繁，请稍后再试',
    en: 'Too many requests, try again later',
  },
  'auth.unauthenticated': { status: 401, zh: '请先登录', en: 'Please sign in' },
  'auth.invalid_credentials': { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  'auth.locked': {
    status: 423,
    zh: '登录失败次数过多，账号已临时锁定，请 {minutes} 分钟后再试',
    en: 'Too many failed sign-ins; the account is locked for {minutes} minutes',
  },
  'auth.disabled': { status: 403, zh: '账号已停用', en: 'This account is disabled' },
  'auth.forbidden': { status: 403, zh: '没有执行此操作的权限', en: 'You are not allowed to do this' },
  'auth.csrf': {
    status: 403,
    zh: '请求来源校验失败，请刷新页面后重试',
    en: 'Request origin check failed; reload the page and retry',
  },
  'auth.wrong_password': { status: 400, zh: '当前密码不正确', en: 'The current password is wrong' },
  'auth.password_change_required': {
    status: 403,
    zh: '请先修改初始密码',
    en: 'Change your temporary password first',
  },
  'area.not_found': { status: 404, zh: '区域不存在', en: 'Area not found' },
  'area.invalid_parent': {
    status: 422,
    zh: '所选上级区域下不能建立或移入这一级区域',
    en: 'That parent cannot hold an area of this level',
  },
  'area.not_empty': {
    status: 409,
    zh: '该区域下还有下级区域或楼栋，不能删除',
    en: 'This area still contains areas or buildings',
  },
  'area.version_conflict': {
    status: 409,
    zh: '该区域已被他人修改，请查看最新内容',
    en: 'Someone else changed this area; review the latest version',
  },
  'area.duplicate_name': {
    status: 409,
    zh: '同一上级下已有同名区域',
    en: 'An area with this name already exists there',
  },
  'building.not_found': { status: 404, zh: '楼栋不存在', en: 'Building not found' },
  'building.version_conflict': {
    status: 409,
    zh: '该楼栋已被他人修改，请查看最新内容',
    en: 'Someone else changed this building; review the latest version',
  },
  'building.duplicate_name': {
    status: 409,
    zh: '本小区已有同名楼栋',
    en: 'This compound already has that building',
  },
  'building.floors_not_raised': {
    status: 422,
    zh: '加层后的层数须多于现有的 {floors} 层',
    en: 'The new number of floors must be above the current {floors}',
  },
  'building.entrances_not_added': {
    status: 422,
    zh: '增加后的单元数须多于现有的 {entrances} 个',
    en: 'The new number of entrances must be above the current {entrances}',
  },
  'dwelling.not_found': { status: 404, zh: '房屋不存在', en: 'Dwelling not found' },
  'dwelling.duplicate': {
    status: 409,
    zh: '该单元已有同号房屋',
    en: 'That entrance already has a dwelling with this number',
  },
  'dwelling.archived': {
    status: 409,
    zh: '该房屋已归档，不能再修改',
    en: 'This dwelling is archived and can no longer be changed',
  },
  'dwelling.version_conflict': {
    status: 409,
    zh: '该房屋已被他人修改，请查看最新内容',
    en: 'Someone else changed this dwelling; review the latest version',
  },
  'dwelling.floor_out_of_range': {
    status: 422,
    zh: '楼层超出该楼栋的层数',
    en: 'The floor is outside the building',
  },
  'grid.not_found': { status: 404, zh: '网格不存在', en: 'Grid not found' },
  'grid.version_conflict': {
    status: 409,
    zh: '该网格已被他人修改，请查看最新内容',
    en: 'Someone else changed this grid; review the latest version',
  },
  'grid.building_outside': {
    status: 422,
    zh: '网格只能包含本社区的楼栋',
    en: 'A grid may only contain buildings of its own community',
  },
  'grid.worker_outside': {
    status: 422,
    zh: '网格员必须在本社区有网格员角色',
    en: 'The grid worker must hold the grid worker role in this community',
  },
  'resident.not_found': { status: 404, zh: '居民不存在', en: 'Resident not found' },
  'resident.version_conflict': {
    status: 409,
    zh: '该居民信息已被他人修改，请查看最新内容',
    en: 'Someone else changed this resident; review the latest version',
  },
  'resident.not_active': {
    status: 409,
    zh: '该居民已迁出、已故或已合并到另一条记录，不能再修改',
    en: 'This resident has moved out, died or been merged into another record, and can no longer be changed',
  },
  'resident.reveal_limit': {
    status: 429,
    zh: '查看明文次数已达上限（每小时 {limit} 次），请稍后再试',
    en: 'Reveal limit reached ({limit} per hour); try again later',
  },
  'resident.duplicate_id': {
    status: 409,
    zh: '该证件号已登记在本辖区其他居民名下',
    en: 'This ID number is already registered for another resident',
  },
  'import.not_found': { status: 404, zh: '导入任务不存在', en: 'Import not found' },
  'import.empty_file': { status: 400, zh: '文件是空的', en: 'The file is empty' },
  'import.unreadable_file': {
    status: 400,
    zh: '无法读取文件：请上传 xlsx 或 csv 格式的表格',
    en: 'The file cannot be read: upload an xlsx or csv spreadsheet',
  },
  'import.no_header': {
    status: 400,
    zh: '没有找到表头行（如 姓名、身份证号）',
    en: 'No header row found (a row naming columns such as name and ID number)',
  },
  'import.too_many_rows': {
    status: 413,
    zh: '单个文件最多 {max} 行，请拆分后导入',
    en: 'A file may hold at most {max} rows; split it',
  },
  'import.mapping_invalid': {
    status: 400,
    zh: '列对应关系有误：须且只能有一列对应姓名，每个字段最多对应一列',
    en: 'Invalid column mapping: exactly one column must be the name, and each field at most one column',
  },
  'import.not_draft': {
    status: 409,
    zh: '该导入已提交，不能再修改',
    en: 'This import has already been committed',
  },
  'import.rows_expired': {
    status: 410,
    zh: '上传的内容已过期清除，请重新上传',
    en: 'The uploaded rows have expired and were purged; upload the file again',
  },
  'import.version_conflict': {
    status: 409,
    zh: '该导入已被他人修改，请刷新',
    en: 'Someone else changed this import; reload it',
  },
  'import.interrupted': {
    status: 500,
    zh: '导入中途服务重启，未写入任何数据，请重新提交',
    en: 'The server restarted during the import; nothing was written, commit again',
  },
  'import.commit_failed': {
    status: 500,
    zh: '导入失败，未写入任何数据',
    en: 'The import failed and nothing was written',
  },
  'import.template_duplicate': {
    status: 409,
    zh: '本社区已有同名模板',
    en: 'This community already has a template with that name',
  },
  'import.create_places_forbidden': {
    status: 403,
    zh: '导入时新建楼栋或房屋需要本社区的“楼栋管理”权限；请改为跳过，或请有权限的人操作',
    en: 'Creating buildings or dwellings during an import needs the building management permission in this community; skip them, or ask someone who has it',
  },
  'household.not_found': { status: 404, zh: '户不存在', en: 'Household not found' },
  'household.not_active': {
    status: 409,
    zh: '该户已迁出，不能再迁居',
    en: 'This household has moved out and cannot move again',
  },
  'dedupe.merge_not_found': { status: 404, zh: '合并记录不存在', en: 'Merge record not found' },
  'dedupe.survivor_not_active': {
    status: 409,
    zh: '保留的记录必须是在住居民',
    en: 'The record that survives a merge must be a resident living here',
  },
  'dedupe.not_mergeable': {
    status: 409,
    zh: '该记录已合并，不能再次合并',
    en: 'This record has already been merged',
  },
  'dedupe.already_undone': { status: 409, zh: '该合并已撤销', en: 'This merge has already been undone' },
  'dedupe.undo_conflict': {
    status: 409,
    zh: '合并后记录又被修改过（{fields}），不能自动撤销，请先手工核对',
    en: 'The records changed after the merge ({fields}); undo them by hand first',
  },
  'dedupe.version_conflict': {
    status: 409,
    zh: '该合并记录已被他人处理，请刷新',
    en: 'Someone else acted on this merge; reload',
  },
  'household.version_conflict': {
    status: 409,
    zh: '该户信息已被他人修改，请查看最新内容',
    en: 'Someone else changed this household; review the latest version',
  },
  'resident.emergency_contact_required': {
    status: 400,
    zh: '60 岁以上独居老人须登记紧急联系人',
    en: 'A resident aged 60 or over who lives alone needs an emergency contact',
  },
  'relation.not_found': { status: 404, zh: '关系不存在', en: 'Relation not found' },
  'relation.invalid_other': {
    status: 400,
    zh: '关系的另一方须是同一街道内的其他居民',
    en: 'The other person must be another resident of the same street',
  },
  'user.not_found': { status: 404, zh: '用户不存在', en: 'User not found' },
  'user.username_taken': { status: 409, zh: '用户名已被使用', en: 'That username is taken' },
  'user.version_conflict': {
    status: 409,
    zh: '该用户已被他人修改，请查看最新内容',
    en: 'Someone else changed this user; review the latest version',
  },
  'user.role_not_allowed': {
    status: 403,
    zh: '不能授予高于自己的角色',
    en: 'You cannot grant a role above your own',
  },
  'user.delegated_cannot_grant': {
    status: 403,
    zh: '通过委托获得的角色不能再授予他人角色、委托或令牌',
    en: 'A role held through a delegation cannot hand out roles, delegations or tokens',
  },
  'user.scope_kind_mismatch': {
    status: 422,
    zh: '角色“{role}”只能授予在 {kinds} 一级',
    en: 'The role "{role}" can only be granted on a {kinds}',
  },
  'user.grant_not_found': { status: 404, zh: '角色授权不存在', en: 'Role grant not found' },
  'user.cannot_change_self': {
    status: 422,
    zh: '不能修改自己的角色或停用自己',
    en: 'You cannot change your own roles or disable yourself',
  },
  'delegation.not_found': { status: 404, zh: '授权委托不存在', en: 'Delegation not found' },
  'delegation.invalid_window': {
    status: 422,
    zh: '结束时间必须晚于开始时间且在 90 天之内，且不能早于现在',
    en: 'The end must be after the start, in the future, and within 90 days',
  },
  'delegation.already_ended': { status: 409, zh: '该委托已结束', en: 'This delegation has already ended' },
  'delegation.self': { status: 422, zh: '不能委托给自己', en: 'You cannot delegate to yourself' },
  'token.not_found': { status: 404, zh: 'API 令牌不存在', en: 'API token not found' },
  'ledger.not_found': { status: 404, zh: '台账不存在', en: 'Ledger not found' },
  'ledger.version_conflict': {
    status: 409,
    zh: '该台账已被他人修改，请查看最新内容',
    en: 'Someone else changed this ledger; review the latest version',
  },
  'ledger.archived': { status: 409, zh: '该台账已归档', en: 'This ledger is archived' },
  'ledger.area_kind': {
    status: 422,
    zh: '台账只能建在街道或社区一级',
    en: 'A ledger belongs to a street or a community',
  },
  'ledger.export_too_large': {
    status: 422,
    zh: '台账超过 {max} 行，请缩小筛选范围后再导出',
    en: 'The ledger has more than {max} rows; narrow the filter before exporting',
  },
  'ledger.link_not_found': { status: 404, zh: '分享链接不存在', en: 'Shared link not found' },
  'ledger.link_gone': {
    status: 410,
    zh: '该分享链接已过期或已被撤销',
    en: 'This shared link has expired or was revoked',
  },
  'ledger.link_expiry': {
    status: 422,
    zh: '有效期须晚于现在且不超过 {days} 天',
    en: 'The expiry must be in the future and within {days} days',
  },
  'form.not_found': { status: 404, zh: '表单不存在', en: 'Form not found' },
  'form.version_conflict': {
    status: 409,
    zh: '该表单已被他人修改，请查看最新内容',
    en: 'Someone else changed this form; review the latest version',
  },
  'form.area_kind': {
    status: 422,
    zh: '表单只能建在街道或社区一级',
    en: 'A form serves a street or a community',
  },
  'form.invalid_state': {
    status: 409,
    zh: '表单当前状态下不能这样操作',
    en: 'This cannot be done to the form in its current state',
  },
  'form.archived': { status: 409, zh: '该表单已归档', en: 'This form is archived' },
  'form.nothing_to_ask': {
    status: 422,
    zh: '表单至少要有一个需要填写的问题才能发布',
    en: 'A form needs at least one question before it can be published',
  },
  'form.limit_needs_field': {
    status: 422,
    zh: '“每个手机号/每户限填一次”需要表单里有一个必填的手机号或住址题',
    en: 'A one-answer-per-phone or per-dwelling limit needs a required phone or address question',
  },
  'form.tag_option_unknown': {
    status: 422,
    zh: '“{field}”写入居民标签，它的选项只能从标签目录中选取（不含敏感标签）',
    en: '“{field}” feeds the resident’s tags, so its options must come from the tag catalogue (sensitive tags excluded)',
  },
  'form.bad_window': {
    status: 422,
    zh: '截止时间须晚于开始时间',
    en: 'The closing time must be after the opening time',
  },
  'form.invalid_answer': {
    status: 400,
    zh: '有些内容填写有误，请按提示修改',
    en: 'Some answers need correcting; see the marked questions',
  },
  'form.version_unknown': {
    status: 409,
    zh: '表单内容已更新，请刷新页面后重新提交',
    en: 'The form has changed; reload the page and send again',
  },
  'form.not_open': {
    status: 409,
    zh: '表单还未开放填写，请在开始时间之后再来',
    en: 'This form is not open yet; come back after it opens',
  },
  'form.closed': { status: 410, zh: '表单已截止，不再接收填报', en: 'This form is closed' },
  'form.already_submitted': {
    status: 409,
    zh: '已经提交过了，本表单每个手机号或每户只能填一次',
    en: 'Already answered: this form takes one answer per phone or per dwelling',
  },
  'form.option_full': {
    status: 409,
    zh: '您选择的名额已满，请换一个选项',
    en: 'The option you chose is full; choose another',
  },
  'form.idempotency_mismatch': {
    status: 422,
    zh: '同一次提交的内容不一致，请刷新页面后重新填写',
    en: 'This resend differs from the first send; reload the page and fill it in again',
  },
  'form.reference_not_found': {
    status: 404,
    zh: '没有找到这个回执编号，请核对',
    en: 'No answer has this reference; check it',
  },
  'form.cannot_withdraw': {
    status: 409,
    zh: '这份填报已由社区处理，不能再撤回，请联系居委会',
    en: 'This answer has already been handled; contact the committee',
  },
  'form.rate_limited': {
    status: 429,
    zh: '提交的人太多了，请稍等一分钟再试，您填写的内容不会丢失',
    en: 'Too many answers right now; wait a minute and try again — what you entered is kept',
  },
  'upload.form_not_found': { status: 404, zh: '表单不存在或未发布', en: 'No such published form' },
  'upload.form_closed': {
    status: 410,
    zh: '表单已截止或尚未开始，不能上传附件',
    en: 'This form is not open, so files cannot be attached',
  },
  'upload.not_a_file_field': {
    status: 400,
    zh: '表单中没有名为 {field} 的附件项',
    en: 'This form has no file field named {field}',
  },
  'upload.empty': { status: 400, zh: '文件是空的，请重新选择', en: 'The file is empty; choose it again' },
  'upload.too_large': {
    status: 413,
    zh: '文件过大，最大 {maxKb} KB，请压缩后再传',
    en: 'The file is too large: at most {maxKb} KB',
  },
  'upload.type': {
    status: 415,
    zh: '只能上传照片（JPG、PNG、WebP）或 PDF 文件',
    en: 'Only photos (JPG, PNG, WebP) or PDF files can be attached',
  },
  'upload.not_found': { status: 404, zh: '附件不存在', en: 'File not found' },
  'submission.not_found': { status: 404, zh: '答卷不存在', en: 'Submission not found' },
  'submission.version_conflict': {
    status: 409,
    zh: '该答卷已被他人处理，请查看最新状态',
    en: 'Someone else acted on this submission; review its latest state',
  },
  'submission.invalid_status': {
    status: 409,
    zh: '答卷当前的状态不允许此操作',
    en: 'The submission’s current status does not allow this',
  },
  'submission.not_answered': {
    status: 400,
    zh: '答卷中没有可写入所选登记项的回答',
    en: 'The submission has no answer for the chosen register field',
  },
  'submission.export_too_large': {
    status: 422,
    zh: '一次最多导出 {max} 份答卷，请缩小筛选范围',
    en: 'At most {max} submissions per file; narrow the filter',
  },
  'internal.error': {
    status: 500,
    zh: '服务器内部错误，已记录，请稍后再试',
    en: 'Internal error; it has been logged',
  },
  'internal.unavailable': {
    status: 503,
    zh: '服务暂时不可用，请稍后再试',
    en: 'Service temporarily unavailable',
  },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export type Locale = 'zh-CN' | 'en-US';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en-US'];

export function errorMessage(code: ErrorCode, locale: Locale, params: Record<string, string | number> = {}) {
  const entry = ERRORS[code];
  const template: string = locale === 'en-US' ? entry.en : entry.zh;
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? `{${key}}`));
}

/** Accept-Language → one of our locales; Chinese is the default. */
export function pickLocale(header: string | undefined | null): Locale {
  if (!header) return 'zh-CN';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en-US' : 'zh-CN';
}

/** Field-level messages for validation issues the shared schemas raise with a named `error`. */
export const FIELD_MESSAGES = {
  phone: { zh: '请输入 11 位手机号', en: 'Enter an 11-digit mobile number' },
  division_code: { zh: '区划代码应为 6、9 或 12 位数字', en: 'A division code has 6, 9 or 12 digits' },
  username: {
    zh: '用户名为 3–32 位小写字母、数字、点、下划线或连字符',
    en: 'Use 3–32 lowercase letters, digits, dots, underscores or hyphens',
  },
  password: {
    zh: '密码至少 10 位，且须同时包含字母和数字',
    en: 'A password needs at least 10 characters with letters and digits',
  },
  control_chars: {
    zh: '含有不可见的控制字符，请删除后重试',
    en: 'Contains invisible control characters; remove them',
  },
  id_number: { zh: '证件号码格式不正确', en: 'The ID number is not valid' },
  resident_id_checksum: {
    zh: '身份证号校验不通过（请核对最后一位和出生日期）',
    en: 'This resident ID fails its checksum (check the last character and the birth date)',
  },
  household_or_dwelling: {
    zh: '请选择已有的户，或选择房屋新建一户',
    en: 'Choose a household, or a dwelling for a new one',
  },
  merge_same_resident: {
    zh: '不能把记录与自身合并',
    en: 'A record cannot be merged with itself',
  },
  room_number: {
    zh: '房号为 1–10 位字母、数字或连字符',
    en: 'A room number has 1–10 letters, digits or hyphens',
  },
  duplicate_column: { zh: '同一列不能选两次', en: 'A column can only be chosen once' },
  link_expiry: {
    zh: '有效期须晚于现在且不超过 30 天',
    en: 'The expiry must be in the future and within 30 days',
  },
  export_reason: {
    zh: '导出明文须填写理由',
    en: 'An unmasked export needs a reason',
  },
  relation_other_required: {
    zh: '请选择一位居民，或填写对方姓名',
    en: 'Choose a resident, or enter the person’s name',
  },
  date_in_future: { zh: '日期不能晚于今天', en: 'The date cannot be later than today' },
  // Moves within the register (ResidentMove, HouseholdMove and the service's own checks).
  move_relation_required: {
    zh: '加入已有的户时，请选择与户主的关系（不能是户主）',
    en: 'When joining a household, choose the relation to its head (not head)',
  },
  move_other_street: {
    zh: '只能迁往本街道内的房屋；迁往外街道请办理迁出，由新街道登记',
    en: 'A move stays within the street; for another street, record a move-out and let that street register them',
  },
  move_same_household: { zh: '已在这一户中', en: 'Already a member of this household' },
  move_same_dwelling: { zh: '该户已住在这套房屋', en: 'The household already lives in this dwelling' },
  move_household: {
    zh: '所选的户不在这套房屋，或已迁出',
    en: 'The chosen household is not in this dwelling, or has moved out',
  },
  relation_other_one: {
    zh: '选择了居民时不再填写姓名和电话',
    en: 'With a resident chosen, leave the name and phone empty',
  },
  // Form definitions (forms.ts `definitionProblems`) and the public submit header.
  field_key: {
    zh: '字段标识须以小写字母开头，只含小写字母、数字和下划线（最多 40 位）',
    en: 'A field key starts with a lower-case letter and has only a–z, 0–9 and _ (at most 40)',
  },
  option_value: {
    zh: '选项值只能含小写字母、数字、下划线和连字符（最多 40 位）',
    en: 'An option value has only a–z, 0–9, _ and - (at most 40)',
  },
  duplicate_key: {
    zh: '字段标识与前面的字段重复，请改一个',
    en: 'This field key is already used by an earlier question; change it',
  },
  options_required: { zh: '单选、多选题至少要有一个选项', en: 'A choice question needs at least one option' },
  options_not_allowed: { zh: '这种题型没有选项', en: 'This type of question has no options' },
  duplicate_option: { zh: '选项值有重复', en: 'Two options have the same value' },
  sensitive_capacity: {
    zh: '设了名额的选项不能标为敏感（名额要公开计数）',
    en: 'Options with places cannot be sensitive: places are counted in the open',
  },
  min_above_max: { zh: '最小值不能大于最大值', en: 'The minimum cannot be above the maximum' },
  show_if_unknown: {
    zh: '显示条件引用的题目不存在，或不在本题之前',
    en: 'The condition refers to a question that does not exist or does not come earlier',
  },
  show_if_value: { zh: '请选择显示条件的取值', en: 'Choose the value the condition looks for' },
  show_if_type: {
    zh: '显示条件只能引用单选、多选或是/否题',
    en: 'A condition can only look at a choice or yes/no question',
  },
  maps_type: {
    zh: '这种题型不能写入所选的台账字段',
    en: 'This type of question cannot feed the chosen register field',
  },
  maps_duplicate: {
    zh: '另一道题已写入同一个台账字段',
    en: 'Another question already feeds this register field',
  },
  maps_tag_option: {
    zh: '写入居民标签的题，选项只能从标签目录中选取（不含敏感标签）',
    en: 'A question feeding the resident’s tags takes its options from the tag catalogue (sensitive tags excluded)',
  },
  too_many_fields: { zh: '一张表单最多 100 道题', en: 'A form has at most 100 questions' },
  idempotency_key: {
    zh: '缺少或无效的 Idempotency-Key 请求头（8–100 位字母、数字、- 或 _）',
    en: 'Missing or invalid Idempotency-Key header (8–100 letters, digits, - or _)',
  },
} as const;
export type FieldMessageKey = keyof typeof FIELD_MESSAGES;
