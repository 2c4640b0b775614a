import type { GroupView } from '../../../shared/domain/views';

/**
 * What a chat is called on this screen: a direct chat is titled with the other person's name (the
 * signed name holds both people's names, which reads oddly on either side); a group by its name.
 */
export function chatTitle(group: GroupView): string {
  if (!group.direct) return group.name;
  const other = group.members.find((m) => !m.isSelf);
  return other?.displayName ?? group.name;
}
