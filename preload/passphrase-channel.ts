/** Channels between the passphrase prompt window (passphrase-preload.ts) and the shell (main/electron/passphrase-prompt.ts). */
export const PASSPHRASE_SUBMIT_CHANNEL = 'kizuna:passphrase-submit';
export const PASSPHRASE_FEEDBACK_CHANNEL = 'kizuna:passphrase-feedback';

/** What the prompt sends: the passphrase (and its confirmation when choosing a new one), or a cancel. */
export type PassphraseSubmission = { action: 'submit'; passphrase: string; confirm: string | null } | { action: 'cancel' };
