import { call } from '../api/kizuna-client';
import type { AppStore } from './app-store';

/** Reads what the first screen needs; without an identity the app starts at first run. */
export async function loadApp(store: AppStore): Promise<void> {
  const [identity, settings, connection] = await Promise.all([
    call('identity.get', {}),
    call('settings.get', {}),
    call('connection.status', {}),
  ]);
  store.dispatch({ type: 'settings', settings });
  store.dispatch({ type: 'connection', connection });
  store.dispatch({ type: 'identity', identity });
  if (identity === null) {
    store.dispatch({ type: 'boot', boot: 'first-run' });
    return;
  }
  await loadProfile(store);
  store.dispatch({ type: 'boot', boot: 'ready' });
}

/** Everything that belongs to the identity: groups, invitations, contacts. */
export async function loadProfile(store: AppStore): Promise<void> {
  const [groups, invitations] = await Promise.all([call('groups.list', {}), call('invitations.list', {}), reloadContacts(store)]);
  store.dispatch({ type: 'groups-loaded', groups });
  store.dispatch({ type: 'invitations-loaded', invitations });
}

export async function reloadContacts(store: AppStore): Promise<void> {
  const [contacts, blocked] = await Promise.all([call('contacts.list', {}), call('contacts.listBlocked', {})]);
  store.dispatch({ type: 'contacts-loaded', contacts, blocked });
}

/** A person's verification changed (issue 11): contacts, and the member marks in every group view. */
export async function reloadPeople(store: AppStore): Promise<void> {
  const [groups] = await Promise.all([call('groups.list', {}), reloadContacts(store)]);
  store.dispatch({ type: 'groups-upserted', groups });
}

/** Mutes or unmutes a group (chat header, group list and details all offer it) and shows the result. */
export async function setGroupMuted(store: AppStore, groupId: string, muted: boolean): Promise<void> {
  const group = await call('groups.setMuted', { groupId, muted });
  store.dispatch({ type: 'groups-upserted', groups: [group] });
}
