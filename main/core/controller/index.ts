/** The controller of seed 000 (`kizuna controller`): gRPC northbound API, southbound node control, SQLite state. */
export { startController, assertControllerBindAllowed, DEFAULT_CONTROLLER_HOST, DEFAULT_CONTROLLER_PORT, type ControllerHandle, type ControllerOptions } from './controller-server.js';
export { createUnavailableModerator, type ChannelModerator } from './channel-moderator.js';
export { createSdkChannelModerator, type ModeratorApp, type SdkModeratorOptions } from './sdk-channel-moderator.js';
export { controllerServiceDefinition, CONTROLPLANE_SERVICE, SOUTHBOUND_SERVICE } from './controller-proto.js';
export { KIZUNA_ERROR_CODE_KEY } from './grpc-status.js';
export type { ControllerStore } from './controller-store.js';
export type { NodeControl } from './node-control.js';
export { createControllerAuth, loadControllerAuthFile, loadControllerClientAuthFile, isLoopbackHost, type ControllerAuth, type ControllerClientAuth } from './controller-auth.js';
