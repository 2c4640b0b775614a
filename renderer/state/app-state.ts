import type { GroupActivityView, GroupView, IdentityView, InvitationView, PersonView } from '../../shared/domain/views';
import type { ConnectionStatus, Settings } from '../../shared/ipc/ipc-contract';

export type MainView = 'chats' | 'contacts' | 'settings';
export type ChatPanel = 'details' | 'search' | 'pins' | 'jump' | null;

export interface FileProgress {
  have: number;
  total: number;
  complete: boolean;
}

/** File progress only moves forward: a late event never shrinks what arrived nor un-completes a file. */
export function furtherProgress(shown: FileProgress, incoming: FileProgress): FileProgress {
  return { have: Math.max(shown.have, incoming.have), total: incoming.total, complete: shown.complete || incoming.complete };
}

/**
 * Everything the screens share. Message lists are not here: each open chat keeps its own window of
 * messages (see features/chat/message-window.ts), because a chat may hold 100,000 of them.
 */
export interface AppState {
  boot: 'loading' | 'unavailable' | 'first-run' | 'ready';
  identity: IdentityView | null;
  settings: Settings | null;
  connection: ConnectionStatus | null;
  groups: Record<string, GroupView>;
  invitations: Record<string, InvitationView>;
  contacts: PersonView[];
  blocked: PersonView[];
  /** groupId -> userId -> local time (ms) after which the indicator is stale. */
  typing: Record<string, Record<string, number>>;
  /** File transfer progress by content hash (from `file` events). */
  files: Record<string, FileProgress>;
  view: MainView;
  openGroupId: string | null;
  panel: ChatPanel;
  /** Set when "create group" is open. */
  creatingGroup: boolean;
  /** A contact card from a kizuna:// link, waiting in the "add contact" field for the user to confirm. */
  contactDraft: string | null;
  /** What the search panel searches for; kept here so it survives opening a result in another chat. */
  searchText: string;
  /** A message to scroll to once its chat is open (a search result); `seq` makes the same one jump again. */
  jump: { groupId: string; messageId: string; seq: number } | null;
  /** Direct chats merged into another (issue 11): merged id -> kept id, so opening the old id opens the kept chat. */
  mergedChats: Record<string, string>;
}

export const INITIAL_STATE: AppState = {
  boot: 'loading',
  identity: null,
  settings: null,
  connection: null,
  groups: {},
  invitations: {},
  contacts: [],
  blocked: [],
  typing: {},
  files: {},
  view: 'chats',
  openGroupId: null,
  panel: null,
  creatingGroup: false,
  contactDraft: null,
  searchText: '',
  jump: null,
  mergedChats: {},
};

export type AppAction =
  | { type: 'boot'; boot: AppState['boot'] }
  | { type: 'identity'; identity: IdentityView | null }
  | { type: 'settings'; settings: Settings }
  | { type: 'connection'; connection: ConnectionStatus }
  | { type: 'groups-loaded'; groups: GroupView[] }
  | { type: 'groups-upserted'; groups: GroupView[] }
  | { type: 'groups-active'; activity: GroupActivityView[] }
  /** Per group, per member: online or not (the `presence` events of a flush). */
  | { type: 'members-presence'; online: Record<string, Record<string, boolean>> }
  | { type: 'invitations-loaded'; invitations: InvitationView[] }
  | { type: 'invitation-upserted'; invitation: InvitationView }
  | { type: 'invitation-removed'; groupId: string }
  | { type: 'contacts-loaded'; contacts: PersonView[]; blocked: PersonView[] }
  | { type: 'typing'; groupId: string; userId: string; until: number | null }
  | { type: 'typing-expired'; now: number }
  | { type: 'files-progressed'; files: Record<string, FileProgress> }
  | { type: 'navigate'; view: MainView }
  | { type: 'open-group'; groupId: string | null }
  | { type: 'panel'; panel: ChatPanel }
  | { type: 'creating-group'; open: boolean }
  | { type: 'contact-draft'; card: string | null }
  | { type: 'search-text'; text: string }
  | { type: 'open-message'; groupId: string; messageId: string };

function byId(groups: GroupView[]): Record<string, GroupView> {
  const out: Record<string, GroupView> = {};
  for (const g of groups) out[g.groupId] = g;
  return out;
}

/**
 * A direct chat merged into another (issue 11) leaves the list and is remembered (merges are for
 * good), so a later open by its id (a search result, notification or link) opens the kept one; if
 * it was open, the kept one opens.
 */
function withoutMerged(state: AppState, changed: GroupView[]): AppState {
  const merged = Object.values(byId(changed)).filter((g) => g.mergedInto !== null);
  if (merged.length === 0) return state;
  const groups = { ...state.groups };
  const mergedChats = { ...state.mergedChats };
  for (const g of merged) {
    delete groups[g.groupId];
    if (g.mergedInto !== null) mergedChats[g.groupId] = g.mergedInto;
  }
  const next = { ...state, groups, mergedChats };
  return state.openGroupId === null ? next : { ...next, openGroupId: keptChat(next, state.openGroupId) };
}

/**
 * Messages stored or read moved these groups' last message, last activity and unread count. A group the store does not
 * hold (not loaded yet, or merged away) stays out: its whole view comes with its next `group` event.
 */
function withActivity(state: AppState, activity: GroupActivityView[]): AppState {
  const known = activity.filter((a) => state.groups[a.groupId] !== undefined);
  if (known.length === 0) return state;
  const groups = { ...state.groups };
  for (const a of known) groups[a.groupId] = { ...(groups[a.groupId] as GroupView), ...activityFields(a) };
  return { ...state, groups };
}

/** Only the fields an activity carries (a payload with more is not let write the rest of the view). */
export function activityFields(a: GroupActivityView): Omit<GroupActivityView, 'groupId'> {
  return { unreadCount: a.unreadCount, lastActivityAt: a.lastActivityAt, lastMessage: a.lastMessage };
}

/** Members marked online or not, in the groups the store holds (others get theirs with their next view). */
function withOnlineMarks(state: AppState, online: Record<string, Record<string, boolean>>): AppState {
  let groups: Record<string, GroupView> | undefined;
  for (const [groupId, marks] of Object.entries(online)) {
    const held = state.groups[groupId];
    if (held === undefined) continue;
    groups ??= { ...state.groups };
    groups[groupId] = withOnline(held, marks);
  }
  return groups === undefined ? state : { ...state, groups };
}

/**
 * The view with these members' online marks. Our own mark is not a presence: it follows the connection
 * (the host sets it in every view), so a mark naming us changes nothing.
 */
export function withOnline(view: GroupView, marks: Record<string, boolean>): GroupView {
  return {
    ...view,
    members: view.members.map((m) => {
      const online = Object.prototype.hasOwnProperty.call(marks, m.userId) ? marks[m.userId] : undefined;
      return online === undefined || m.isSelf || m.online === online ? m : { ...m, online };
    }),
  };
}

/** The chat that shows `groupId`: itself, or the chat it was merged into (followed, should that one be merged too). */
export function keptChat(state: AppState, groupId: string): string {
  let id = groupId;
  // A merge names a chat whose id sorts first, so a chain ends; the bound guards a bad view anyway.
  for (let hops = 0; hops < 8; hops++) {
    const kept = state.mergedChats[id];
    if (kept === undefined) return id;
    id = kept;
  }
  return id;
}

export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'boot':
      return { ...state, boot: action.boot };
    case 'identity':
      return { ...state, identity: action.identity };
    case 'settings':
      return { ...state, settings: action.settings };
    case 'connection':
      return { ...state, connection: action.connection };
    case 'groups-loaded':
      return withoutMerged({ ...state, groups: byId(action.groups) }, action.groups);
    case 'groups-upserted':
      return withoutMerged({ ...state, groups: { ...state.groups, ...byId(action.groups) } }, action.groups);
    case 'groups-active':
      return withActivity(state, action.activity);
    case 'members-presence':
      return withOnlineMarks(state, action.online);
    case 'invitations-loaded': {
      const invitations: Record<string, InvitationView> = {};
      for (const i of action.invitations) invitations[i.groupId] = i;
      return { ...state, invitations };
    }
    case 'invitation-upserted':
      return { ...state, invitations: { ...state.invitations, [action.invitation.groupId]: action.invitation } };
    case 'invitation-removed': {
      if (!(action.groupId in state.invitations)) return state;
      const { [action.groupId]: _gone, ...rest } = state.invitations;
      return { ...state, invitations: rest };
    }
    case 'contacts-loaded':
      return { ...state, contacts: action.contacts, blocked: action.blocked };
    case 'typing': {
      // Every received message ends its sender's indicator: most of the time there is none to end.
      if (action.until === null && state.typing[action.groupId]?.[action.userId] === undefined) return state;
      const current = { ...(state.typing[action.groupId] ?? {}) };
      if (action.until === null) delete current[action.userId];
      else current[action.userId] = action.until;
      return { ...state, typing: { ...state.typing, [action.groupId]: current } };
    }
    case 'typing-expired': {
      let changed = false;
      const typing: AppState['typing'] = {};
      for (const [groupId, users] of Object.entries(state.typing)) {
        const kept: Record<string, number> = {};
        let expired = false;
        for (const [userId, until] of Object.entries(users)) {
          if (until > action.now) kept[userId] = until;
          else expired = true;
        }
        // Groups where nobody stopped typing keep their object, so their list items do not re-render.
        typing[groupId] = expired ? kept : users;
        changed ||= expired;
      }
      return changed ? { ...state, typing } : state;
    }
    case 'files-progressed': {
      const files = { ...state.files };
      for (const [hash, progress] of Object.entries(action.files)) {
        const shown = files[hash];
        files[hash] = shown === undefined ? progress : furtherProgress(shown, progress);
      }
      return { ...state, files };
    }
    case 'navigate':
      return { ...state, view: action.view, creatingGroup: false };
    case 'open-group': {
      const groupId = action.groupId === null ? null : keptChat(state, action.groupId);
      return {
        ...state,
        view: 'chats',
        openGroupId: groupId,
        panel: state.openGroupId === groupId ? state.panel : null,
        jump: null,
      };
    }
    case 'open-message': {
      const groupId = keptChat(state, action.groupId);
      // A message of a merged chat is not in the kept one (its text went there as a new message):
      // the kept chat opens where it was.
      if (groupId !== action.groupId) return { ...state, view: 'chats', openGroupId: groupId, jump: null };
      // The panel the result was chosen in stays open, so the next result is a click away.
      return {
        ...state,
        view: 'chats',
        openGroupId: action.groupId,
        jump: { groupId: action.groupId, messageId: action.messageId, seq: (state.jump?.seq ?? 0) + 1 },
      };
    }
    case 'search-text':
      return { ...state, searchText: action.text };
    case 'panel':
      return { ...state, panel: action.panel };
    case 'creating-group':
      return { ...state, creatingGroup: action.open };
    case 'contact-draft':
      return action.card === null ? { ...state, contactDraft: null } : { ...state, contactDraft: action.card, view: 'contacts', creatingGroup: false };
  }
}
