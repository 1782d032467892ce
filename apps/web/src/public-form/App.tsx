import {
  checkAnswers,
  fieldsOf,
  formAnswerMessage,
  isFieldVisible,
  localText,
} from '@linli/shared/forms-answers';
import { type FormEvent, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { keepKnownValues, rawAnswers } from './answers';
import {
  fetchForm,
  HttpError,
  isRateLimited,
  isTransient,
  type LoadFailure,
  loadFailure,
  type PublicForm,
  postSubmission,
  type SubmissionBody,
} from './api';
import { ChainList, Withdraw } from './Chain';
import { Field, fieldId, inputId } from './Field';
import {
  formatTime,
  initialLocale,
  type Locale,
  type MessageKey,
  saveLocale,
  type Translate,
  translator,
} from './i18n';
import { groupReference, loadStored, newIdempotencyKey, retryDelay, type Stored, saveStored } from './store';

type Load =
  | { status: 'loading' }
  | { status: 'ready'; form: PublicForm }
  | { status: 'not_found' }
  | { status: 'error'; failure: Exclude<LoadFailure, 'not_found'> };
type Notice = { key: MessageKey; params?: Record<string, string | number> };

/** A crowd opening the link at once is told to wait a minute, not that the network is down. */
const LOAD_FAILED: Record<Exclude<LoadFailure, 'not_found'>, MessageKey> = {
  network: 'loadFailed',
  rate_limited: 'loadRateLimited',
  server: 'loadServerError',
};

function slugFromPath(pathname: string): string {
  const part = pathname.split('/')[2] ?? '';
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function App() {
  const [slug] = useState(() => slugFromPath(window.location.pathname));
  const [presetBuildingId] = useState(() => new URLSearchParams(window.location.search).get('b'));
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const t = useMemo(() => translator(locale), [locale]);
  const localeRef = useRef(locale);
  localeRef.current = locale;

  const [stored, setStored] = useState<Stored>(() => loadStored(slug));
  const storedRef = useRef(stored);
  /** Every change is written to the phone first, so a reload or a crash loses nothing. */
  const update = useCallback(
    (next: Stored) => {
      storedRef.current = next;
      saveStored(slug, next);
      setStored(next);
    },
    [slug],
  );

  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [loadTick, setLoadTick] = useState(0);
  const reload = useCallback(() => setLoadTick((n) => n + 1), []);
  const form = load.status === 'ready' ? load.form : null;

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const title = form ? localText(form.title, form.titleEn, locale) : '';
  const description = form ? localText(form.description, form.descriptionEn, locale) : '';
  useEffect(() => {
    if (title) document.title = title;
  }, [title]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `loadTick` asks for a fresh copy (chain list, state).
  useEffect(() => {
    let live = true;
    fetchForm(slug, localeRef.current).then(
      (loaded) => {
        if (!live) return;
        const current = storedRef.current;
        const values = keepKnownValues(loaded.definition, current.values);
        if (Object.keys(values).length !== Object.keys(current.values).length) update({ ...current, values });
        setLoad({ status: 'ready', form: loaded });
      },
      (error) => {
        if (!live) return;
        const failure = loadFailure(error);
        setLoad((previous) =>
          failure === 'not_found'
            ? { status: 'not_found' }
            : previous.status === 'ready'
              ? previous
              : { status: 'error', failure },
        );
      },
    );
    return () => {
      live = false;
    };
  }, [slug, loadTick, update]);

  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<Notice | null>(null);
  const [sending, setSending] = useState(false);
  const sendingRef = useRef(false);
  const [focusTick, setFocusTick] = useState(0);
  const [honeypot, setHoneypot] = useState('');

  /** A definite "no" from the server: said plainly, on the fields it names when it names any. */
  const refused = useCallback(
    (error: unknown) => {
      if (!(error instanceof HttpError)) {
        setNotice({ key: 'errOther', params: { message: String(error) } });
        return;
      }
      const known = new Set(form ? fieldsOf(form.definition).map((f) => f.key) : []);
      const byField: Record<string, string> = {};
      for (const issue of error.issues) {
        const key = String(issue.path ?? '').replace(/^answers\./, '');
        if (known.has(key) && !byField[key]) byField[key] = issue.message;
      }
      if (Object.keys(byField).length) {
        setServerIssues(byField);
        setAttempted(true);
        setFocusTick((n) => n + 1);
      }
      const plain: Record<string, MessageKey> = {
        'form.invalid_answer': 'errInvalid',
        'form.option_full': 'errOptionFull',
        'form.already_submitted': 'errAlreadySubmitted',
        'form.closed': 'errClosed',
        'form.not_open': 'stateNotOpen',
        'form.version_unknown': 'errVersion',
      };
      const key = isRateLimited(error) ? 'errRateLimited' : plain[error.code];
      setNotice(key ? { key } : { key: 'errOther', params: { message: error.message } });
      // The form changed under the resident (closed, full, new version, gone): show what it is now.
      if (
        ['form.option_full', 'form.closed', 'form.not_open', 'form.version_unknown'].includes(error.code) ||
        error.status === 404
      )
        reload();
    },
    [form, reload],
  );

  /** Sends the answer waiting on the phone, if any; one request at a time, always with its own key. */
  const flush = useCallback(async () => {
    const pending = storedRef.current.pending;
    if (!pending || sendingRef.current) return;
    sendingRef.current = true;
    setSending(true);
    try {
      const ack = await postSubmission(slug, localeRef.current, pending.key, pending.body);
      update({ values: {}, key: newIdempotencyKey(), pending: null, done: ack });
      setTouched(new Set());
      setAttempted(false);
      setServerIssues({});
      setNotice(null);
      window.scrollTo(0, 0);
      reload();
    } catch (error) {
      const current = storedRef.current;
      // A 429 on a resend means "later", not "never": the answer stays on the phone.
      if (isTransient(error) || (pending.attempts > 0 && isRateLimited(error))) {
        const attempts = pending.attempts + 1;
        update({ ...current, pending: { ...pending, attempts, nextAt: Date.now() + retryDelay(attempts) } });
      } else {
        // Refused for good, so nothing was stored under this key: the corrected answer gets a new one.
        update({ ...current, pending: null, key: newIdempotencyKey() });
        refused(error);
      }
    } finally {
      sendingRef.current = false;
      setSending(false);
    }
  }, [slug, update, reload, refused]);

  // A waiting answer is tried again after its back-off, and at once when the phone comes back online.
  useEffect(() => {
    const pending = stored.pending;
    if (!pending || sending) return;
    const timer = setTimeout(() => void flush(), Math.max(0, pending.nextAt - Date.now()));
    return () => clearTimeout(timer);
  }, [stored.pending, sending, flush]);

  useEffect(() => {
    const retryNow = () => {
      const current = storedRef.current;
      if (current.pending && document.visibilityState !== 'hidden')
        update({ ...current, pending: { ...current.pending, nextAt: Date.now() } });
    };
    window.addEventListener('online', retryNow);
    document.addEventListener('visibilitychange', retryNow);
    return () => {
      window.removeEventListener('online', retryNow);
      document.removeEventListener('visibilitychange', retryNow);
    };
  }, [update]);

  const values = stored.values;
  const check = useMemo(
    () => (form ? checkAnswers(form.definition, rawAnswers(form.definition, values)) : null),
    [form, values],
  );
  /** What to show under each field: client rules once touched (blanks only after a send), then the server's word. */
  const errors = useMemo(() => {
    const shown: Record<string, string> = {};
    if (form && check && !check.ok) {
      const fields = new Map(fieldsOf(form.definition).map((f) => [f.key, f]));
      for (const issue of check.issues) {
        if (shown[issue.field]) continue;
        if (attempted || (touched.has(issue.field) && issue.code !== 'required' && issue.code !== 'consent'))
          shown[issue.field] = formAnswerMessage(issue, locale, fields.get(issue.field));
      }
    }
    for (const [key, message] of Object.entries(serverIssues)) shown[key] ??= message;
    return shown;
  }, [form, check, attempted, touched, serverIssues, locale]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a send asked for it, with that render's errors.
  useEffect(() => {
    if (!focusTick || !form) return;
    const first = fieldsOf(form.definition).find((f) => errors[f.key]);
    if (!first) return;
    document.getElementById(fieldId(first.key))?.scrollIntoView({ block: 'center' });
    document.getElementById(inputId(first.key))?.focus({ preventScroll: true });
  }, [focusTick]);

  /**
   * Leaving a field shows its error a moment later: shown at once, the message would push the page down
   * between the press and the release of the tap on the next field, and the tap would land elsewhere.
   */
  const markTouched = (key: string) => {
    window.setTimeout(() => setTouched((old) => (old.has(key) ? old : new Set(old).add(key))), 300);
  };

  const setValue = (key: string, value: unknown) => {
    const current = storedRef.current;
    update({ ...current, values: { ...current.values, [key]: value } });
    if (serverIssues[key]) setServerIssues(({ [key]: _, ...rest }) => rest);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!form || sendingRef.current || storedRef.current.pending) return;
    setAttempted(true);
    setNotice(null);
    setServerIssues({});
    const result = checkAnswers(form.definition, rawAnswers(form.definition, values));
    if (!result.ok) {
      setFocusTick((n) => n + 1);
      return;
    }
    const body: SubmissionBody = {
      answers: result.answers,
      versionNo: form.versionNo,
      ...(honeypot ? { website: honeypot } : {}),
    };
    const now = Date.now();
    update({
      ...storedRef.current,
      pending: { key: storedRef.current.key, body, since: now, attempts: 0, nextAt: now },
    });
    void flush();
  };

  const switchLocale = () => {
    const next: Locale = locale === 'zh-CN' ? 'en-US' : 'zh-CN';
    saveLocale(next);
    setLocale(next);
  };

  const pending = stored.pending;
  const waiting = pending && pending.attempts > 0;
  const errorCount = Object.keys(errors).length;

  let content: ReactNode;
  if (waiting) {
    content = (
      <section className="pf-card pf-pending" data-testid="pending" role="status">
        <h2 className="pf-h2">{t('pendingTitle')}</h2>
        <p>{t('pendingBody')}</p>
        <p className="pf-muted" data-testid="pending-next">
          {sending ? t('pendingSending') : t('pendingNext', { time: clock(pending.nextAt, locale) })}
        </p>
        <button type="button" className="pf-button" disabled={sending} onClick={() => void flush()}>
          {t('sendNow')}
        </button>
      </section>
    );
  } else if (stored.done && !pending) {
    const done = stored.done;
    content = (
      <>
        <section className="pf-card pf-done" data-testid="done" role="status">
          <h2 className="pf-h2">{t('doneTitle')}</h2>
          {done.chainNo !== null && done.chainNo !== undefined && (
            <p className="pf-chain-mine" data-testid="done-chain-no">
              {t('chainNo', { n: done.chainNo })}
            </p>
          )}
          <p className="pf-muted">{t('reference')}</p>
          <p className="pf-reference" data-testid="done-reference">
            {groupReference(done.reference)}
          </p>
          <p className="pf-muted">{formatTime(done.submittedAt, locale)}</p>
          <p className="pf-help">{t('referenceHint')}</p>
          <button
            type="button"
            className="pf-button pf-button-secondary"
            data-testid="submit-another"
            onClick={() => update({ ...storedRef.current, done: null })}
          >
            {t('submitAnother')}
          </button>
        </section>
        {form?.mode === 'chain' && chainParts(form)}
      </>
    );
  } else if (load.status === 'loading') {
    content = <p className="pf-muted pf-center">{t('loading')}</p>;
  } else if (load.status === 'not_found') {
    content = (
      <p className="pf-card" data-testid="not-found">
        {t('notFound')}
      </p>
    );
  } else if (load.status === 'error' || !form) {
    const failure = load.status === 'error' ? load.failure : 'network';
    content = (
      <section className="pf-card" data-testid="load-failed" data-failure={failure}>
        <p>{t(LOAD_FAILED[failure])}</p>
        <button type="button" className="pf-button" onClick={reload}>
          {t('retry')}
        </button>
      </section>
    );
  } else if (form.state !== 'open') {
    content = (
      <>
        <section className="pf-card pf-state" data-testid="form-state" data-state={form.state}>
          <p className="pf-state-title">
            {t(
              form.state === 'not_open'
                ? 'stateNotOpen'
                : form.state === 'full'
                  ? 'stateFull'
                  : 'stateClosed',
            )}
          </p>
          {form.opensAt && form.state === 'not_open' && (
            <p>{t('opensAt', { time: formatTime(form.opensAt, locale) })}</p>
          )}
          {form.closesAt && form.state === 'closed' && (
            <p>{t('closesAt', { time: formatTime(form.closesAt, locale) })}</p>
          )}
        </section>
        {notice && <NoticeLine notice={notice} t={t} />}
        {form.mode === 'chain' && <ChainList form={form} locale={locale} t={t} />}
      </>
    );
  } else {
    const remaining = form.chain?.remaining ?? {};
    content = (
      <>
        <form onSubmit={onSubmit} noValidate data-testid="public-form">
          {form.mode === 'chain' && <ChainList form={form} locale={locale} t={t} />}
          {form.definition.sections.map((section, s) => {
            const visible = section.fields.filter((f) => isFieldVisible(f, values));
            if (section.fields.length && !visible.length) return null;
            const sectionTitle = localText(section.title, section.titleEn, locale);
            const sectionText = localText(section.description, section.descriptionEn, locale);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: sections have no key of their own and never move here.
              <section key={s} className="pf-card">
                {sectionTitle && <h2 className="pf-h2">{sectionTitle}</h2>}
                {sectionText && <p className="pf-text">{sectionText}</p>}
                {visible.map((field) => (
                  <Field
                    key={field.key}
                    field={field}
                    value={values[field.key]}
                    onChange={(v) => setValue(field.key, v)}
                    onBlur={() => markTouched(field.key)}
                    error={errors[field.key]}
                    locale={locale}
                    t={t}
                    slug={slug}
                    remaining={remaining[field.key]}
                    presetBuildingId={presetBuildingId}
                    disabled={Boolean(pending)}
                  />
                ))}
              </section>
            );
          })}
          <div className="pf-hp" aria-hidden="true">
            <label>
              {t('honeypot')}
              <input
                name="website"
                tabIndex={-1}
                autoComplete="off"
                value={honeypot}
                onChange={(e) => setHoneypot(e.target.value)}
              />
            </label>
          </div>
          {form.privacy && (
            <section className="pf-card pf-privacy" data-testid="privacy">
              <h2 className="pf-h2">{t('privacyTitle')}</h2>
              <dl>
                <dt>{t('privacyPurpose')}</dt>
                <dd>{localText(form.privacy.purpose, form.privacy.purposeEn, locale)}</dd>
                <dt>{t('privacyAudience')}</dt>
                <dd>{localText(form.privacy.audience, form.privacy.audienceEn, locale)}</dd>
                <dt>{t('privacyRetention')}</dt>
                <dd>{t('privacyDays', { n: form.privacy.retentionDays })}</dd>
              </dl>
            </section>
          )}
          {form.submissionLimit !== 'none' && (
            <p className="pf-muted">
              {t(form.submissionLimit === 'per_phone' ? 'limitPerPhone' : 'limitPerDwelling')}
            </p>
          )}
          {attempted && errorCount > 0 && !notice && (
            <p className="pf-error" data-testid="form-errors">
              {t('fixErrors', { n: errorCount })}
            </p>
          )}
          {notice && <NoticeLine notice={notice} t={t} />}
          <button type="submit" className="pf-button" data-testid="submit" disabled={Boolean(pending)}>
            {pending ? t('submitting') : t('submit')}
          </button>
        </form>
        {/* Outside the answer's form: a nested form's submit would also send the answer. */}
        {form.mode === 'chain' && (
          <Withdraw slug={slug} locale={locale} t={t} initialReference="" onWithdrawn={() => reload()} />
        )}
      </>
    );
  }

  function chainParts(form: PublicForm) {
    return (
      <>
        <ChainList form={form} locale={locale} t={t} />
        <Withdraw
          slug={slug}
          locale={locale}
          t={t}
          initialReference={stored.done?.reference ?? ''}
          onWithdrawn={(reference) => {
            const current = storedRef.current;
            if (current.done?.reference === reference) update({ ...current, done: null });
            reload();
          }}
        />
      </>
    );
  }

  return (
    <div className="pf-page">
      <header className="pf-header">
        <span className="pf-area">{form?.areaName ?? ''}</span>
        <button type="button" className="pf-lang" onClick={switchLocale} data-testid="language">
          {t('language')}
        </button>
      </header>
      {form && (
        <div className="pf-intro">
          <h1 className="pf-title" data-testid="form-title">
            {title}
          </h1>
          {form.state === 'open' && form.closesAt && (
            <p className="pf-muted">{t('closesAtOpen', { time: formatTime(form.closesAt, locale) })}</p>
          )}
          {description && <p className="pf-text">{description}</p>}
        </div>
      )}
      {content}
    </div>
  );
}

function NoticeLine({ notice, t }: { notice: Notice; t: Translate }) {
  return (
    <p className="pf-notice" role="alert" data-testid="notice">
      {t(notice.key, notice.params)}
    </p>
  );
}

function clock(ms: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(ms));
}
