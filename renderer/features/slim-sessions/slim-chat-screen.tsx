import type { ReactNode } from 'react';
import { SlimChatView } from './slim-chat-view';
import { useOpenSlimSessionId, useSlimUi } from './slim-sessions-store';

/** The main pane when a SLIM session is open; otherwise `fallback` (the Kizuna chat pane). */
export function SlimChatScreen({ fallback }: { fallback: ReactNode }) {
  const openId = useOpenSlimSessionId();
  const { state } = useSlimUi();
  const session = openId === null ? undefined : state.sessions.find((s) => s.sessionId === openId);
  if (session === undefined) return <>{fallback}</>;
  return <SlimChatView key={session.sessionId} session={session} />;
}
