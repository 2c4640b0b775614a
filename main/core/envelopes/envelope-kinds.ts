import type { EnvelopeType } from '../wire/wire-schemas.js';

/** Channel envelopes with a per-sender sequence: logged, replay-checked by (group, sender, seq), served by catch-up. */
export const SEQUENCED_TYPES: ReadonlySet<EnvelopeType> = new Set(['MESSAGE', 'GROUP_UPDATE', 'LEAVE']);
