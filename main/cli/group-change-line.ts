import type { GroupChangeView } from '../../shared/domain/group-change.js';

/** A group change as `kizuna listen` prints it: the same sentence the chat shows, in English. */
export function groupChangeLine(c: GroupChangeView): string {
  const who = c.people.map((p) => p.displayName).join(', ');
  const by = c.by.displayName;
  const text = ((): string => {
    switch (c.kind) {
      case 'created':
        return `${by} created ${c.name}`;
      case 'added':
        return `${by} invited ${who}`;
      case 'removed':
        return `${by} removed ${who}`;
      case 'left':
        return `${who} left`;
      case 'declined':
        return `${who} declined the invitation`;
      case 'renamed':
        return `${by} renamed the group to ${c.name}`;
      case 'picture':
        return `${by} changed the group picture`;
      case 'keys-renewed':
        return `${by} renewed the group's keys`;
      case 'deleted':
        return `${by} deleted the group`;
    }
  })();
  return `${c.groupId.slice(0, 8)} * ${text}`;
}
