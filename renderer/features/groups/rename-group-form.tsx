import { useId, useState } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { FieldError, describedBy } from '../../components/field-error';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { useAppStore } from '../../state/app-store';

/** The admin's rename; the core's verdict (empty, too long, unchanged) shows under the name field. */
export function RenameGroupForm({ group }: { group: GroupView }) {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const [name, setName] = useState(group.name);
  const errors = useFieldErrors({ name: ['GROUP_NAME_EMPTY', 'GROUP_NAME_TOO_LONG', 'GROUP_NAME_UNCHANGED', 'NOT_GROUP_ADMIN', 'GROUP_BUSY'] }, { name: 'name' });
  const { busy, run } = useBusyAction(errors);
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      const g = await call('groups.rename', { groupId: group.groupId, name });
      store.dispatch({ type: 'groups-upserted', groups: [g] });
    }, 'name');
  };
  return (
    <form className="form inline-form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field grow">
        <label htmlFor={`${id}-name`}>{t('details.name')}</label>
        <input id={`${id}-name`} value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} {...describedBy(`${id}-name-error`, errors.problem('name'))} />
        <FieldError id={`${id}-name-error`} problem={errors.problem('name')} />
      </div>
      <button type="submit" className="button" disabled={busy}>
        {t('details.rename')}
      </button>
    </form>
  );
}
