import { useEffect, useState } from 'react';
import { call, whenKizunaReady } from '../../api/kizuna-client';
import { I18nProvider, resolveLanguage } from '../../i18n/i18n-context';
import { loadApp, loadProfile } from '../../state/app-loader';
import { AppStore, AppStoreContext, useAppState } from '../../state/app-store';
import { startLiveSync } from '../../state/live-sync';
import { followMergedChats } from '../../state/merged-chat-follow';
import { reportShownChat } from '../../state/shown-chat-report';
import { useTheme } from '../../theme/use-theme';
import { startHostLink } from '../connection/host-link-store';
import { FirstRunScreen } from '../first-run/first-run-screen';
import { MainLayout } from './main-layout';
import { BootScreen } from './boot-screen';

/** The root: one store for the app's lifetime, kept live by core events from the first moment. */
export function App() {
  const [store] = useState(() => new AppStore());
  useEffect(() => {
    const stops: (() => void)[] = [];
    let cancelled = false;
    void whenKizunaReady().then(async (ready) => {
      if (cancelled) return;
      if (!ready) {
        store.dispatch({ type: 'boot', boot: 'unavailable' });
        return;
      }
      // Subscribe before the first read so no event falls between the two.
      stops.push(startLiveSync(store));
      // A host that cannot take it loses nothing but quieter notifications.
      stops.push(reportShownChat(store, (groupId) => void call('ui.setOpenChat', { groupId }).catch(() => undefined)));
      // A merged direct chat opened by its id after a restart opens the kept one (issue 11).
      stops.push(followMergedChats(store, (groupId) => call('groups.get', { groupId })));
      // The host came back (perhaps a new process): read again what its events would have said meanwhile.
      stops.push(startHostLink(() => void reloadAfterReturn(store)));
      try {
        await loadApp(store);
      } catch {
        store.dispatch({ type: 'boot', boot: 'unavailable' });
      }
    });
    return () => {
      cancelled = true;
      for (const stop of stops) stop();
    };
  }, [store]);
  return (
    <AppStoreContext.Provider value={store}>
      <Localised />
    </AppStoreContext.Provider>
  );
}

async function reloadAfterReturn(store: AppStore): Promise<void> {
  try {
    store.dispatch({ type: 'connection', connection: await call('connection.status', {}) });
    if (store.getState().boot === 'ready') await loadProfile(store);
  } catch {
    // The next return tries again; the banner already says the host is unreliable.
  }
}

function Localised() {
  const settings = useAppState((s) => s.settings);
  const lang = resolveLanguage(settings?.language, navigator.language);
  useTheme(settings?.theme);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return (
    <I18nProvider lang={lang}>
      <Screens />
    </I18nProvider>
  );
}

function Screens() {
  const boot = useAppState((s) => s.boot);
  if (boot === 'first-run') return <FirstRunScreen />;
  if (boot === 'ready') return <MainLayout />;
  return <BootScreen failed={boot === 'unavailable'} />;
}
