/** The local user's keys, unsealed in memory while the engine is open. */
export interface SelfKeys {
  userId: Uint8Array;
  signPublic: Uint8Array;
  signSecret: Uint8Array;
  boxPublic: Uint8Array;
  boxSecret: Uint8Array;
  displayName: string;
  slimName: string;
  createdAt: number;
}
