import { useId, useState } from 'react';
import type { EncryptionMode } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { Avatar } from '../../components/avatar';
import { Dialog } from '../../components/dialog';
import { FieldError } from '../../components/field-error';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState, useAppStore } from '../../state/app-store';
import { ModePicker } from './mode-picker';

/**
 * New chat: one contact, one to one. The core owns the rules (exactly one person, not blocked);
 * starting a chat with someone we already talk to in that mode opens the existing chat.
 */
export function NewDirectChatDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const contacts = useAppState((s) => s.contacts);
  const [with_, setWith] = useState<string | null>(null);
  const [mode, setMode] = useState<EncryptionMode>('mls');
  const errors = useFieldErrors(
    {
      members: ['GROUP_DIRECT_ONE_MEMBER', 'GROUP_MEMBERS_EMPTY', 'CONTACT_BLOCKED', 'CONTACT_NOT_FOUND'],
      mode: ['ENCRYPTION_MODE_INVALID'],
    },
    { members: 'members', mode: 'mode' },
  );
  const { busy, run } = useBusyAction(errors);

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      const group = await call('groups.create', { name: '', members: with_ === null ? [] : [with_], mode, direct: true });
      store.dispatch({ type: 'groups-upserted', groups: [group] });
      store.dispatch({ type: 'open-group', groupId: group.groupId });
      onClose();
    });
  };

  const problem = errors.problem('members');
  return (
    <Dialog title={t('directChat.title')} onClose={onClose} wide>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        {contacts.length === 0 && <p className="notice">{t('directChat.noContacts')}</p>}
        <fieldset className="fieldset member-picker" aria-describedby={`${id}-hint${problem === undefined ? '' : ` ${id}-error`}`} aria-invalid={problem === undefined ? undefined : true}>
          <legend>{t('directChat.with')}</legend>
          <p id={`${id}-hint`} className="hint">
            {t('directChat.hint')}
          </p>
          <ul className="member-options">
            {contacts.map((p) => (
              <li key={p.userId}>
                <label className="member-option">
                  <input type="radio" name={`${id}-with`} checked={with_ === p.userId} onChange={() => { setWith(p.userId); errors.clear(); }} />
                  <Avatar id={p.userId} name={p.displayName} size={28} />
                  <span>{p.displayName}</span>
                </label>
              </li>
            ))}
          </ul>
          <FieldError id={`${id}-error`} problem={problem} />
        </fieldset>
        <ModePicker id={`${id}-mode`} value={mode} onChange={setMode} problem={errors.problem('mode')} />
        <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
        <div className="button-row end">
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('common.working') : t('directChat.start')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
