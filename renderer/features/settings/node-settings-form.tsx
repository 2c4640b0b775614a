import { useState } from 'react';
import type { Settings } from '../../../shared/ipc/ipc-contract';
import { call } from '../../api/kizuna-client';
import { toCallError } from '../../api/call-error';
import { useI18n } from '../../i18n/i18n-context';
import { useAppStore } from '../../state/app-store';
import { NodeChoice } from '../first-run/node-choice';

/**
 * Embedded or remote node, saved with settings.set (the host reconnects accordingly). A remote
 * address is tested first (node.test); one nothing answers at is saved only when the user says
 * "Save anyway" (the node may simply be down for now).
 */
export function NodeSettingsForm({ node }: { node: Settings['node'] }) {
  const { t, errorText } = useI18n();
  const store = useAppStore();
  const [value, setValue] = useState(node);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [unreachable, setUnreachable] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const edit = (next: Settings['node']): void => {
    setValue(next);
    setProblem(undefined);
    setUnreachable(false);
    setSaved(false);
  };
  const save = async (test: boolean): Promise<void> => {
    setSaved(false);
    if (value.mode === 'remote' && value.remoteEndpoint.trim() === '') {
      setProblem(t('firstRun.endpointMissing'));
      return;
    }
    setProblem(undefined);
    setUnreachable(false);
    setBusy(true);
    try {
      const remoteEndpoint = value.remoteEndpoint.trim();
      if (test && value.mode === 'remote') await call('node.test', { endpoint: remoteEndpoint });
      const next = await call('settings.set', { node: { mode: value.mode, remoteEndpoint } });
      store.dispatch({ type: 'settings', settings: next });
      setSaved(true);
    } catch (error) {
      const code = toCallError(error).code;
      setProblem(code === 'NODE_UNREACHABLE' ? t('settings.nodeUnreachable') : errorText(code));
      setUnreachable(code === 'NODE_UNREACHABLE');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card-section">
      <h2>{t('settings.node')}</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save(true);
        }}
        noValidate
      >
        <NodeChoice value={value} onChange={edit} {...(problem === undefined ? {} : { problemText: problem })} />
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('settings.nodeTesting') : t('common.save')}
          </button>
          {unreachable && (
            <button type="button" className="button" disabled={busy} onClick={() => void save(false)}>
              {t('settings.saveAnyway')}
            </button>
          )}
          <span role="status" className="success-text">
            {saved ? t('settings.saved') : ''}
          </span>
        </div>
      </form>
    </section>
  );
}
