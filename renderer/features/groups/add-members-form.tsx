import { useId, useState } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { FieldError } from '../../components/field-error';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState, useAppStore } from '../../state/app-store';
import { MemberPicker } from './member-picker';

/** The admin adds contacts who are not yet members; refusals show under the picker. */
export function AddMembersForm({ group }: { group: GroupView }) {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const contacts = useAppState((s) => s.contacts);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const errors = useFieldErrors({
    members: ['GROUP_MEMBERS_EMPTY', 'GROUP_ALREADY_MEMBER', 'GROUP_DUPLICATE_MEMBERS', 'CONTACT_BLOCKED', 'CONTACT_NOT_FOUND', 'GROUP_CREATOR_IN_MEMBERS'],
  });
  const { busy, run } = useBusyAction(errors);
  const memberIds = new Set(group.members.map((m) => m.userId));
  const candidates = contacts.filter((c) => !memberIds.has(c.userId));

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      const g = await call('groups.addMembers', { groupId: group.groupId, members: [...selected] });
      store.dispatch({ type: 'groups-upserted', groups: [g] });
      setSelected(new Set());
    }, 'members');
  };

  if (candidates.length === 0) {
    return (
      <section className="details-section">
        <h3>{t('details.add')}</h3>
        <p className="muted">{t('details.addNone')}</p>
      </section>
    );
  }
  return (
    <section className="details-section">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <MemberPicker id={`${id}-add`} legend={t('details.add')} people={candidates} selected={selected} onChange={setSelected} problem={errors.problem('members')} />
        <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
        <button type="submit" className="button" disabled={busy}>
          {t('details.addButton')}
        </button>
      </form>
    </section>
  );
}
