import { useId, useState } from 'react';
import { call } from '../../api/kizuna-client';
import { Logo } from '../../components/logo';
import { useI18n } from '../../i18n/i18n-context';
import { loadProfile } from '../../state/app-loader';
import { useAppStore } from '../../state/app-store';
import { CreateIdentityForm } from './create-identity-form';
import { NodeChoice, type NodeSetting } from './node-choice';
import { RestoreIdentityForm } from './restore-identity-form';

/**
 * First run: become someone (a new identity, or the one in a backup) and say where to connect.
 * The node choice is saved before the identity, so the core connects the right way from the start.
 */
export function FirstRunScreen() {
  const { t } = useI18n();
  const store = useAppStore();
  const [mode, setMode] = useState<'create' | 'restore'>('create');
  const [node, setNode] = useState<NodeSetting>(() => store.getState().settings?.node ?? { mode: 'embedded', remoteEndpoint: '' });
  const [nodeProblem, setNodeProblem] = useState(false);
  const tabsId = useId();

  /** Called by either form once its fields pass; returns false when the node choice is incomplete. */
  const prepare = async (): Promise<boolean> => {
    if (node.mode === 'remote' && node.remoteEndpoint.trim() === '') {
      setNodeProblem(true);
      return false;
    }
    setNodeProblem(false);
    const settings = await call('settings.set', { node: { mode: node.mode, remoteEndpoint: node.remoteEndpoint.trim() } });
    store.dispatch({ type: 'settings', settings });
    return true;
  };
  const finish = async (): Promise<void> => {
    store.dispatch({ type: 'identity', identity: await call('identity.get', {}) });
    await loadProfile(store);
    store.dispatch({ type: 'boot', boot: 'ready' });
  };

  const nodeChoice = <NodeChoice value={node} onChange={setNode} {...(nodeProblem ? { problemText: t('firstRun.endpointMissing') } : {})} />;
  return (
    <main className="first-run">
      <div className="first-run-card">
        <Logo size={56} className="first-run-logo" />
        <h1>{t('firstRun.title')}</h1>
        <p className="muted">{t('firstRun.subtitle')}</p>
        <div className="segmented" role="tablist" aria-label={t('firstRun.title')}>
          <button
            type="button"
            role="tab"
            id={`${tabsId}-create`}
            aria-selected={mode === 'create'}
            aria-controls={`${tabsId}-panel`}
            onClick={() => setMode('create')}
          >
            {t('firstRun.create')}
          </button>
          <button
            type="button"
            role="tab"
            id={`${tabsId}-restore`}
            aria-selected={mode === 'restore'}
            aria-controls={`${tabsId}-panel`}
            onClick={() => setMode('restore')}
          >
            {t('firstRun.restore')}
          </button>
        </div>
        <div role="tabpanel" id={`${tabsId}-panel`} aria-labelledby={`${tabsId}-${mode}`}>
          {mode === 'create' ? (
            <CreateIdentityForm prepare={prepare} finish={finish}>
              {nodeChoice}
            </CreateIdentityForm>
          ) : (
            <RestoreIdentityForm prepare={prepare} finish={finish}>
              {nodeChoice}
            </RestoreIdentityForm>
          )}
        </div>
      </div>
    </main>
  );
}
