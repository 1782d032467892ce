/**
 * The resident page's own words. It does not load i18next or the console's dictionaries: they would
 * cost the phone more than the whole page. Same keys in both languages; zh-CN is the default.
 */
export type Locale = 'zh-CN' | 'en-US';

const zhCN = {
  language: 'English',
  loading: '正在加载…',
  loadFailed: '网络不通，表单没有加载出来。',
  loadRateLimited: '现在打开这张表单的人太多了，请过一分钟再试。',
  loadServerError: '服务器暂时出了问题，表单没有加载出来，请稍后再试。',
  retry: '重试',
  notFound: '没有找到这张表单，可能链接有误或已停用。',
  required: '必填',
  optional: '（选填）',
  consentAgree: '我已阅读并同意',
  yes: '是',
  no: '否',
  chooseCompound: '请选择小区',
  chooseBuilding: '请选择楼栋',
  chooseEntrance: '请选择单元',
  chooseDwelling: '请选择房号',
  placesFailed: '住址列表没有加载出来，请稍后重试。',
  placesEmpty: '没有可选的住址',
  maxChoices: '最多选 {max} 项',
  remaining: '剩 {n} 个',
  full: '已满',
  temperatureHint: '35.0–42.0 °C',
  fileChoose: '选择照片或文件（最大 {max}）',
  fileUploading: '正在上传…',
  fileUploaded: '已上传：{name}（{size}）',
  fileRemove: '删除',
  fileType: '只能上传照片（JPG、PNG、WebP）或 PDF 文件',
  fileFailed: '上传没有成功：{message}',
  offline: '网络不通，请稍后再试',
  privacyTitle: '个人信息说明',
  privacyPurpose: '用途',
  privacyAudience: '谁能看到',
  privacyRetention: '保存期限',
  privacyDays: '{n} 天，到期后删除',
  limitPerPhone: '每个手机号只能填写一次。',
  limitPerDwelling: '每户只能填写一次。',
  submit: '提交',
  submitting: '正在提交…',
  fixErrors: '有 {n} 处需要修改，请看标红的地方。',
  stateNotOpen: '这张表单还没有开始填写。',
  stateClosed: '这张表单已经截止。',
  stateFull: '这张表单已经报满。',
  opensAt: '开始时间：{time}',
  closesAt: '截止时间：{time}',
  closesAtOpen: '{time} 截止',
  pendingTitle: '已保存在本机，联网后会自动提交',
  pendingBody: '网络恢复后会自动发送，不会重复提交。请不要清除浏览器数据。',
  pendingNext: '下次尝试：{time}',
  pendingSending: '正在发送…',
  sendNow: '立即重试',
  doneTitle: '提交成功',
  reference: '回执号',
  referenceHint: '请截图或记下回执号，查询或撤回时要用。',
  chainNo: '您是第 {n} 位',
  submitAnother: '再填一份',
  errAlreadySubmitted: '已经提交过了，不需要重复提交。',
  errOptionFull: '所选的名额刚刚报满，请换一个选项。',
  errClosed: '这张表单已经截止，无法提交。',
  errRateLimited: '提交的人太多了，请过一分钟再试，填写的内容不会丢失。',
  errVersion: '表单内容刚刚更新了，请核对后再提交一次。',
  errInvalid: '有内容需要修改，请看标红的地方。',
  errOther: '提交没有成功：{message}',
  chainTitle: '接龙名单',
  chainEmpty: '还没有人报名，快来做第一个。',
  chainCount: '共 {n} 人',
  withdrawTitle: '撤回我的报名',
  withdrawHint: '输入提交后拿到的回执号。',
  withdraw: '撤回',
  withdrawDone: '已撤回。',
  withdrawFailed: '撤回没有成功：{message}',
  honeypot: '请不要填写此项',
};

export type Messages = typeof zhCN;
export type MessageKey = keyof Messages;

const enUS: Messages = {
  language: '中文',
  loading: 'Loading…',
  loadFailed: 'The form did not load: the network seems to be down.',
  loadRateLimited: 'Too many people are opening this form right now; please try again in a minute.',
  loadServerError: 'The form did not load: the server ran into a problem. Please try again later.',
  retry: 'Try again',
  notFound: 'This form was not found: the link may be wrong or the form withdrawn.',
  required: 'Required',
  optional: ' (optional)',
  consentAgree: 'I have read this and agree',
  yes: 'Yes',
  no: 'No',
  chooseCompound: 'Choose the compound',
  chooseBuilding: 'Choose the building',
  chooseEntrance: 'Choose the entrance',
  chooseDwelling: 'Choose the flat',
  placesFailed: 'The address list did not load; please try again later.',
  placesEmpty: 'No addresses to choose from',
  maxChoices: 'Choose at most {max}',
  remaining: '{n} left',
  full: 'Full',
  temperatureHint: '35.0–42.0 °C',
  fileChoose: 'Choose a photo or file (at most {max})',
  fileUploading: 'Uploading…',
  fileUploaded: 'Attached: {name} ({size})',
  fileRemove: 'Remove',
  fileType: 'Only photos (JPG, PNG, WebP) or PDF files can be attached',
  fileFailed: 'The file was not sent: {message}',
  offline: 'the network seems to be down; try again later',
  privacyTitle: 'About your personal information',
  privacyPurpose: 'Purpose',
  privacyAudience: 'Who sees it',
  privacyRetention: 'Kept for',
  privacyDays: '{n} days, then deleted',
  limitPerPhone: 'One answer per mobile number.',
  limitPerDwelling: 'One answer per household.',
  submit: 'Send',
  submitting: 'Sending…',
  fixErrors: '{n} answers need a fix: see the ones marked in red.',
  stateNotOpen: 'This form is not open yet.',
  stateClosed: 'This form is closed.',
  stateFull: 'This form is full.',
  opensAt: 'Opens: {time}',
  closesAt: 'Closed: {time}',
  closesAtOpen: 'Closes {time}',
  pendingTitle: 'Saved on this phone; it will be sent',
  pendingBody:
    'It is sent automatically when the network is back, and never twice. Please do not clear the browser data.',
  pendingNext: 'Next try: {time}',
  pendingSending: 'Sending…',
  sendNow: 'Try now',
  doneTitle: 'Sent',
  reference: 'Reference number',
  referenceHint: 'Take a screenshot or note the reference: you need it to look up or withdraw your answer.',
  chainNo: 'You are number {n}',
  submitAnother: 'Fill in another',
  errAlreadySubmitted: 'This was already sent; there is no need to send it again.',
  errOptionFull: 'The option you chose has just filled up; please choose another.',
  errClosed: 'This form is closed and takes no more answers.',
  errRateLimited: 'Too many answers right now; wait a minute and try again. What you entered is kept.',
  errVersion: 'The form has just been updated; check your answers and send again.',
  errInvalid: 'Some answers need a fix: see the ones marked in red.',
  errOther: 'It was not sent: {message}',
  chainTitle: 'Sign-up list',
  chainEmpty: 'Nobody has signed up yet: be the first.',
  chainCount: '{n} in all',
  withdrawTitle: 'Withdraw my entry',
  withdrawHint: 'Enter the reference number you were given when you sent it.',
  withdraw: 'Withdraw',
  withdrawDone: 'Withdrawn.',
  withdrawFailed: 'It was not withdrawn: {message}',
  honeypot: 'Leave this empty',
};

export const MESSAGES: Record<Locale, Messages> = { 'zh-CN': zhCN, 'en-US': enUS };

/** The console's key, so a worker testing the page on their own phone keeps one choice. */
const LOCALE_KEY = 'linli.locale';

export function initialLocale(): Locale {
  try {
    return localStorage.getItem(LOCALE_KEY) === 'en-US' ? 'en-US' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function saveLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_KEY, locale);
  } catch {
    // Private mode: the choice lasts for this visit only.
  }
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const messages = MESSAGES[locale];
  return (key, params) =>
    messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? ''));
}

/** Times are shown in Beijing time: the committee's times are Beijing times whatever the phone says. */
export function formatTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);
}
