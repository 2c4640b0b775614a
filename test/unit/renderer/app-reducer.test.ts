import { describe, expect, it } from 'vitest';
import { appReducer, INITIAL_STATE, type AppAction, type AppState } from '../../../renderer/state/app-state';
import { group, member } from './view-fixtures';

const run = (actions: AppAction[], from: AppState = INITIAL_STATE): AppState => actions.reduce(appReducer, from);
const invitation = (groupId: string) => ({ groupId, groupName: 'Book club', mode: 'mls' as const, inviter: 'u3', inviterName: 'Carol', memberCount: 4, receivedAt: 1 });

describe('the app reducer', () => {
  it('keeps one view per group: a load replaces all, an upsert replaces the ones it names', () => {
    const loaded = run([{ type: 'groups-loaded', groups: [group('g1'), group('g2')] }]);
    expect(Object.keys(loaded.groups)).toEqual(['g1', 'g2']);
    const upserted = run([{ type: 'groups-upserted', groups: [group('g2', { name: 'Renamed' }), group('g3'), group('g2', { name: 'Last wins' })] }], loaded);
    expect(Object.keys(upserted.groups)).toEqual(['g1', 'g2', 'g3']);
    expect(upserted.groups['g2']?.name).toBe('Last wins');
    expect(upserted.groups['g1']).toBe(loaded.groups['g1']);
    expect(Object.keys(run([{ type: 'groups-loaded', groups: [group('g3')] }], upserted).groups)).toEqual(['g3']);
  });

  it('moves only the activity fields of groups it holds, and leaves out groups it does not (merged or not loaded)', () => {
    const loaded = run([{ type: 'groups-loaded', groups: [group('g1', { name: 'Hikers' }), group('g2'), group('g3')] }, { type: 'groups-upserted', groups: [group('g3', { mergedInto: 'g1' })] }]);
    const last = { id: 'm9', sender: 'u2', senderName: 'Bob', sentAt: 90, kind: 'text' as const, text: 'later' };
    // A payload with more than the activity (a buggy or hostile host) does not write the rest of the view.
    const extra = { groupId: 'g1', unreadCount: 4, lastActivityAt: 90, lastMessage: last, name: 'Renamed', members: [] };
    const active = run([{ type: 'groups-active', activity: [extra, { groupId: 'g3', unreadCount: 1, lastActivityAt: 95, lastMessage: null }, { groupId: 'g9', unreadCount: 1, lastActivityAt: 95, lastMessage: null }] }], loaded);
    expect(active.groups['g1']).toEqual(group('g1', { name: 'Hikers', unreadCount: 4, lastActivityAt: 90, lastMessage: last }));
    expect(active.groups['g2']).toBe(loaded.groups['g2']);
    expect(Object.keys(active.groups)).toEqual(['g1', 'g2']);
    expect(run([{ type: 'groups-active', activity: [{ groupId: 'g9', unreadCount: 1, lastActivityAt: 1, lastMessage: null }] }], loaded)).toBe(loaded);
  });

  it('marks members online or not in the groups it holds; our own mark follows the connection, not presence', () => {
    const loaded = run([{ type: 'groups-loaded', groups: [group('g1', { members: [member('me', { isSelf: true, online: true }), member('u1'), member('u2', { online: true })] }), group('g2')] }]);
    const marked = run([{ type: 'members-presence', online: { g1: { me: false, u1: true, u2: false, stranger: true }, g9: { u1: true } } }], loaded);
    expect(marked.groups['g1']?.members).toEqual([member('me', { isSelf: true, online: true }), member('u1', { online: true }), member('u2', { online: false })]);
    expect(marked.groups['g2']).toBe(loaded.groups['g2']);
    expect(Object.keys(marked.groups)).toEqual(['g1', 'g2']);
    expect(run([{ type: 'members-presence', online: { g9: { u1: true } } }], loaded)).toBe(loaded);
  });

  it('drops a direct chat merged into another from the list, and opens the kept one if it was open (issue 11)', () => {
    const loaded = run([{ type: 'groups-loaded', groups: [group('g1'), group('g2')] }, { type: 'open-group', groupId: 'g2' }]);
    const merged = run([{ type: 'groups-upserted', groups: [group('g2', { mergedInto: 'g1' })] }], loaded);
    expect(Object.keys(merged.groups)).toEqual(['g1']);
    expect(merged.openGroupId).toBe('g1');
    // A chat merged while another is open leaves the list only.
    const other = run([{ type: 'open-group', groupId: 'g1' }, { type: 'groups-upserted', groups: [group('g3'), group('g3', { mergedInto: 'g1' })] }], loaded);
    expect([Object.keys(other.groups), other.openGroupId]).toEqual([['g1', 'g2'], 'g1']);
  });

  it('opens the kept chat when a merged one is opened by its id: a link, notification or search result (issue 11)', () => {
    const merged = run([
      { type: 'groups-loaded', groups: [group('g1'), group('g2'), group('g3')] },
      { type: 'open-group', groupId: 'g3' },
      { type: 'groups-upserted', groups: [group('g2', { mergedInto: 'g1' })] },
    ]);
    expect(merged.openGroupId).toBe('g3');
    expect(run([{ type: 'open-group', groupId: 'g2' }], merged).openGroupId).toBe('g1');
    // A search result in the merged chat: the kept chat opens, with no jump to a message it does not hold.
    const result = run([{ type: 'open-message', groupId: 'g2', messageId: 'm1' }], merged);
    expect([result.openGroupId, result.jump]).toEqual(['g1', null]);
    const kept = run([{ type: 'open-message', groupId: 'g1', messageId: 'm2' }], merged);
    expect([kept.openGroupId, kept.jump?.messageId]).toEqual(['g1', 'm2']);
    // The merge is remembered across a reload of the list, and a merged view in a load is left out.
    const reloaded = run([{ type: 'groups-loaded', groups: [group('g1'), group('g3'), group('g3', { mergedInto: 'g1' })] }], merged);
    expect(Object.keys(reloaded.groups)).toEqual(['g1']);
    expect(run([{ type: 'open-group', groupId: 'g2' }], reloaded).openGroupId).toBe('g1');
    expect(run([{ type: 'open-group', groupId: 'g3' }], reloaded).openGroupId).toBe('g1');
    // A kept chat merged later on: the old id follows the chain.
    const chained = run([{ type: 'groups-upserted', groups: [group('g1', { mergedInto: 'g0' })] }, { type: 'open-group', groupId: 'g2' }], reloaded);
    expect(chained.openGroupId).toBe('g0');
  });

  it('lists each pending invitation once and drops answered ones; dropping an unknown one changes nothing', () => {
    const twice = run([
      { type: 'invitation-upserted', invitation: invitation('g1') },
      { type: 'invitation-upserted', invitation: { ...invitation('g1'), memberCount: 5 } },
      { type: 'invitation-upserted', invitation: invitation('g2') },
    ]);
    expect(Object.keys(twice.invitations)).toEqual(['g1', 'g2']);
    expect(twice.invitations['g1']?.memberCount).toBe(5);
    const removed = run([{ type: 'invitation-removed', groupId: 'g1' }], twice);
    expect(Object.keys(removed.invitations)).toEqual(['g2']);
    expect(appReducer(removed, { type: 'invitation-removed', groupId: 'g1' })).toBe(removed);
  });

  it('shows typing until it expires or ends, without touching groups nobody stopped typing in', () => {
    const typing = run([
      { type: 'typing', groupId: 'g1', userId: 'u2', until: 1_000 },
      { type: 'typing', groupId: 'g1', userId: 'u3', until: 5_000 },
      { type: 'typing', groupId: 'g2', userId: 'u4', until: 9_000 },
    ]);
    expect(typing.typing).toEqual({ g1: { u2: 1_000, u3: 5_000 }, g2: { u4: 9_000 } });
    const expired = appReducer(typing, { type: 'typing-expired', now: 2_000 });
    expect(expired.typing).toEqual({ g1: { u3: 5_000 }, g2: { u4: 9_000 } });
    expect(expired.typing['g2']).toBe(typing.typing['g2']);
    expect(appReducer(expired, { type: 'typing-expired', now: 2_000 })).toBe(expired);
    const ended = appReducer(expired, { type: 'typing', groupId: 'g1', userId: 'u3', until: null });
    expect(ended.typing['g1']).toEqual({});
    // Ending an indicator that is not shown (every received message does) is no change at all.
    expect(appReducer(ended, { type: 'typing', groupId: 'g1', userId: 'u9', until: null })).toBe(ended);
  });

  it('moves file progress forward only, whatever order its events come in', () => {
    const state = run([
      { type: 'files-progressed', files: { h1: { have: 3, total: 10, complete: false } } },
      { type: 'files-progressed', files: { h1: { have: 2, total: 10, complete: false }, h2: { have: 1, total: 1, complete: true } } },
    ]);
    expect(state.files).toEqual({ h1: { have: 3, total: 10, complete: false }, h2: { have: 1, total: 1, complete: true } });
    const done = run([
      { type: 'files-progressed', files: { h1: { have: 10, total: 10, complete: true } } },
      { type: 'files-progressed', files: { h1: { have: 7, total: 10, complete: false } } },
    ], state);
    expect(done.files['h1']).toEqual({ have: 10, total: 10, complete: true });
  });

  it('navigates: a chat keeps its panel until another opens; views and links close what they replace', () => {
    const open = run([{ type: 'navigate', view: 'settings' }, { type: 'open-group', groupId: 'g1' }, { type: 'panel', panel: 'search' }]);
    expect(open).toMatchObject({ view: 'chats', openGroupId: 'g1', panel: 'search' });
    expect(appReducer(open, { type: 'open-group', groupId: 'g1' }).panel).toBe('search');
    expect(appReducer(open, { type: 'open-group', groupId: 'g2' })).toMatchObject({ openGroupId: 'g2', panel: null });
    const creating = run([{ type: 'creating-group', open: true }], open);
    expect(appReducer(creating, { type: 'navigate', view: 'contacts' })).toMatchObject({ view: 'contacts', creatingGroup: false });
    const drafted = appReducer(creating, { type: 'contact-draft', card: 'kizuna://contact/abc' });
    expect(drafted).toMatchObject({ view: 'contacts', contactDraft: 'kizuna://contact/abc', creatingGroup: false });
    expect(appReducer(drafted, { type: 'contact-draft', card: null })).toMatchObject({ view: 'contacts', contactDraft: null });
  });

  it('opens a search result in its chat with the search panel and text kept, and forgets the jump on a plain open', () => {
    const searching = run([{ type: 'open-group', groupId: 'g1' }, { type: 'panel', panel: 'search' }, { type: 'search-text', text: '東京' }]);
    const first = appReducer(searching, { type: 'open-message', groupId: 'g2', messageId: 'm1' });
    expect(first).toMatchObject({ view: 'chats', openGroupId: 'g2', panel: 'search', searchText: '東京', jump: { groupId: 'g2', messageId: 'm1' } });
    const again = appReducer(first, { type: 'open-message', groupId: 'g2', messageId: 'm1' });
    expect(again.jump?.seq).toBeGreaterThan(first.jump?.seq ?? Infinity);
    expect(appReducer(again, { type: 'open-group', groupId: 'g1' })).toMatchObject({ openGroupId: 'g1', jump: null });
  });
});
