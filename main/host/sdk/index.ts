/** The Kizuna Node SDK (seed 000's shape). */
export { createApp, KizunaApp, type AppOptions, type CreateSessionOptions } from './kizuna-app.js';
export { GroupSession, type ReceivedMessage } from './group-session.js';
export { createSlimApp, messageText, SlimApp, type SlimAppOptions, type SlimCreateSessionOptions, type SlimSessionMessage } from './slim-app.js';
