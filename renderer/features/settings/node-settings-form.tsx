import { useState } from 'react';
import type { Settings } from '../../../shared/ipc/ipc-contract';
import { call } from '../../api/kizuna-client';
import { toCallError } from '../../api/call-error';
import { useI18n } from '../../i18n/i18n-context';
import { useAppStore } from '../../state/app-store';
import { NodeChoice } from '../first-run/node-choice';

/** Embedded or remote node, saved with settings.set (the host reconnects accordingly). */
export function NodeSettingsForm({ node }: { node: Settings['node'] }) {
  const { t, errorText } = useI18n();
  const store = useAppStore();
  const [value, setValue] = useState(node);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    setSaved(false);
    if (value.mode === 'remote' && value.remoteEndpoint.trim() === '') {
      setProblem(t('firstRun.endpointMissing'));
      return;
    }
    setProblem(undefined);
    try {
      const next = await call('settings.set', { node: { mode: value.mode, remoteEndpoint: value.remoteEndpoint.trim() } });
      store.dispatch({ type: 'settings', settings: next });
      setSaved(true);
    } catch (error) {
      setProblem(errorText(toCallError(error).code));
    }
  };
  return (
    <section className="card-section">
      <h2>{t('settings.node')}</h2>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <NodeChoice value={value} onChange={setValue} {...(problem === undefined ? {} : { problemText: problem })} />
        <div className="button-row">
          <button type="submit" className="button">
            {t('common.save')}
          </button>
          <span role="status" className="success-text">
            {saved ? t('settings.saved') : ''}
          </span>
        </div>
      </form>
    </section>
  );
}
