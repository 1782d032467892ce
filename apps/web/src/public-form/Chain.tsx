import { useState } from 'react';
import { describeChoices } from './answers';
import { HttpError, type PublicForm, postWithdraw } from './api';
import type { Locale, Translate } from './i18n';
import { normaliseReference } from './store';

/** The chain so far, as everyone in the group sees it: numbers, masked names, place, what they chose. */
export function ChainList({ form, locale, t }: { form: PublicForm; locale: Locale; t: Translate }) {
  const entries = form.chain?.entries ?? [];
  return (
    <section className="pf-card" data-testid="chain-list">
      <h2 className="pf-h2">
        {t('chainTitle')} <span className="pf-muted">{t('chainCount', { n: entries.length })}</span>
      </h2>
      {entries.length === 0 ? (
        <p className="pf-muted">{t('chainEmpty')}</p>
      ) : (
        <ol className="pf-chain">
          {entries.map((entry) => (
            <li key={entry.no} className="pf-chain-row">
              <span className="pf-chain-no">{entry.no}.</span>
              <span className="pf-chain-name">{entry.maskedName}</span>
              {entry.place && <span className="pf-muted">{entry.place}</span>}
              <span className="pf-chain-choice">
                {describeChoices(
                  entry.choices,
                  form.chain?.olderVersions[entry.versionNo] ?? form.definition,
                  locale,
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

type WithdrawProps = {
  slug: string;
  locale: Locale;
  t: Translate;
  initialReference: string;
  onWithdrawn: (reference: string) => void;
};

/** Withdrawing needs only the reference the resident was given: no account, nothing else to prove. */
export function Withdraw({ slug, locale, t, initialReference, onWithdrawn }: WithdrawProps) {
  const [reference, setReference] = useState(initialReference);
  const [state, setState] = useState<{ busy: boolean; message: string; ok: boolean }>({
    busy: false,
    message: '',
    ok: false,
  });
  const send = async () => {
    const clean = normaliseReference(reference);
    if (!clean) return;
    setState({ busy: true, message: '', ok: false });
    try {
      await postWithdraw(slug, locale, clean);
      setState({ busy: false, message: t('withdrawDone'), ok: true });
      onWithdrawn(clean);
    } catch (error) {
      const message = error instanceof HttpError ? error.message : t('loadFailed');
      setState({ busy: false, message: t('withdrawFailed', { message }), ok: false });
    }
  };
  return (
    <details className="pf-card pf-withdraw" data-testid="chain-withdraw">
      <summary className="pf-summary">{t('withdrawTitle')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <label className="pf-label" htmlFor="withdraw-reference">
          {t('reference')}
        </label>
        <p className="pf-help">{t('withdrawHint')}</p>
        <input
          id="withdraw-reference"
          data-testid="withdraw-reference"
          className="pf-input"
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={60}
        />
        <button type="submit" className="pf-button pf-button-secondary" disabled={state.busy}>
          {t('withdraw')}
        </button>
        {state.message && (
          <p className={state.ok ? 'pf-ok' : 'pf-error'} role="status" data-testid="withdraw-result">
            {state.message}
          </p>
        )}
      </form>
    </details>
  );
}
