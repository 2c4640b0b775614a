import { useId } from 'react';
import { call } from '../../api/kizuna-client';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState, useAppStore } from '../../state/app-store';
import type { Settings } from '../../../shared/ipc/ipc-contract';
import { DisplayNameForm } from './display-name-form';
import { ExportIdentityForm } from './export-identity-form';
import { SlimSettingsForm } from '../slim-sessions/slim-settings-form';
import { NodeSettingsForm } from './node-settings-form';

/** Profile, appearance (theme and language apply at once), notifications, node, and identity backup. */
export function SettingsScreen() {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const settings = useAppState((s) => s.settings);
  const identity = useAppState((s) => s.identity);
  if (settings === null) return null;
  const save = (patch: Partial<Omit<Settings, 'node'>>): void => {
    void call('settings.set', patch).then((next) => store.dispatch({ type: 'settings', settings: next }));
  };
  return (
    <main className="page" aria-labelledby="settings-title">
      <header className="page-header">
        <h1 id="settings-title">{t('settings.title')}</h1>
      </header>
      <div className="page-body page-columns">
        <div className="page-column">
          <section className="card-section">
            <h2>{t('settings.profile')}</h2>
            {identity !== null && <DisplayNameForm identity={identity} />}
            {identity !== null && (
              <p className="hint">
                {t('settings.slimName')}: <code>{identity.slimName}</code>
              </p>
            )}
          </section>
          <section className="card-section">
            <h2>{t('settings.appearance')}</h2>
            <div className="field">
              <label htmlFor={`${id}-theme`}>{t('settings.theme')}</label>
              <select id={`${id}-theme`} value={settings.theme} onChange={(e) => save({ theme: e.target.value as Settings['theme'] })}>
                <option value="system">{t('settings.theme.system')}</option>
                <option value="light">{t('settings.theme.light')}</option>
                <option value="dark">{t('settings.theme.dark')}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-lang`}>{t('settings.language')}</label>
              <select id={`${id}-lang`} value={settings.language} onChange={(e) => save({ language: e.target.value as Settings['language'] })}>
                <option value="system">{t('settings.language.system')}</option>
                <option value="en">English</option>
                <option value="ja">日本語</option>
              </select>
            </div>
            <label className="checkbox">
              <input type="checkbox" checked={settings.notifications} onChange={(e) => save({ notifications: e.target.checked })} />
              {t('settings.notifications')}
            </label>
          </section>
        </div>
        <div className="page-column">
          <NodeSettingsForm node={settings.node} />
          <ExportIdentityForm />
          <SlimSettingsForm />
        </div>
      </div>
    </main>
  );
}
