import type { CoreEventPayloads, RetractedSender, RetractionReason } from '../../shared/domain/core-events.js';

/** The signed change that carried the cutoff, as the line says it. */
const WHY: Record<RetractionReason, string> = {
  removed: 'their removal',
  left: 'their leaving',
  declined: 'their declining',
  closed: "the group's closing",
};

function sender(s: RetractedSender): string {
  const who = s.name === '' ? s.userId.slice(0, 8) : s.name;
  return `${s.count} ${s.count === 1 ? 'message' : 'messages'} from ${who} (the group keeps up to their #${s.cutoff})`;
}

/**
 * Messages the group let go as `kizuna listen` prints them: the group, whose and how many, and why
 * (they were sent past the cutoff the admin signed with a removal, leave, decline or closing; every
 * member drops them, so a script that printed them knows they are gone).
 */
export function messagesRetractedLine(r: CoreEventPayloads['messages-retracted']): string {
  return `${r.groupId.slice(0, 8)} - retracted ${r.senders.map(sender).join(', ')}: sent past the cutoff of ${WHY[r.reason]}`;
}
