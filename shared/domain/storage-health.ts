/**
 * Whether the profile's store can write right now, as the UI is told: a full disk, a read-only
 * profile, a database another program holds locked, or a damaged one; 'ok' again once a write lands.
 * `message` is the core's sentence; the UI says it in its own words and language.
 */
export type StorageHealthView = { readonly state: 'ok' } | { readonly state: 'full' | 'read-only' | 'busy' | 'corrupt'; readonly since: number; readonly message: string };
