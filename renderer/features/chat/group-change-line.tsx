import type { GroupChangeView } from '../../../shared/domain/group-change';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState } from '../../state/app-store';
import type { StringKey } from '../../i18n/strings-en';

const KEY: Record<GroupChangeView['kind'], StringKey> = {
  created: 'change.created',
  added: 'change.added',
  removed: 'change.removed',
  left: 'change.left',
  declined: 'change.declined',
  renamed: 'change.renamed',
  picture: 'change.picture',
  'keys-renewed': 'change.keysRenewed',
  deleted: 'change.deleted',
};

/** One group change as a centred line in the chat ("Alice renamed the group to …"). */
export function GroupChangeLine({ change }: { change: GroupChangeView }) {
  const { t, time } = useI18n();
  const you = t('common.you');
  const self = useAppState((s) => s.identity?.userId ?? null);
  const nameOf = (p: { userId: string; displayName: string }): string => (p.userId === self ? you : p.displayName);
  const text = t(KEY[change.kind], {
    by: nameOf(change.by),
    who: change.people.map(nameOf).join(', '),
    name: change.name,
  });
  return (
    <p className="group-change" role="note" data-change-kind={change.kind}>
      <span>{text}</span> <span className="muted">{time(change.at)}</span>
    </p>
  );
}
