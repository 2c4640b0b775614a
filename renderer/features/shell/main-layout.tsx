import { useAppState } from '../../state/app-store';
import { ChatScreen } from '../chat/chat-screen';
import { ConnectionBanner } from '../connection/connection-banner';
import { HostGate, HostLinkBanner } from '../connection/host-link-banner';
import { ContactsScreen } from '../contacts/contacts-screen';
import { CreateGroupDialog } from '../groups/create-group-dialog';
import { GroupSidebar } from '../groups/group-sidebar';
import { SettingsScreen } from '../settings/settings-screen';
import { SlimChatScreen } from '../slim-sessions/slim-chat-screen';
import { NavRail } from './nav-rail';

/** The signed-in app: connection banner on top, a navigation rail, and the chosen view. */
export function MainLayout() {
  const view = useAppState((s) => s.view);
  const creatingGroup = useAppState((s) => s.creatingGroup);
  return (
    <div className="app">
      <HostLinkBanner />
      <ConnectionBanner />
      <div className="app-body">
        <HostGate>
          <NavRail />
          {view === 'chats' && (
            <>
              <GroupSidebar />
              <SlimChatScreen fallback={<ChatScreen />} />
            </>
          )}
          {view === 'contacts' && <ContactsScreen />}
          {view === 'settings' && <SettingsScreen />}
        </HostGate>
      </div>
      {creatingGroup && <CreateGroupDialog />}
    </div>
  );
}
