import { useId, useState } from 'react';
import type { EncryptionMode } from '../../../shared/domain/views';
import { characterCount } from '../../../shared/domain/text-length';
import { call } from '../../api/kizuna-client';
import { Dialog } from '../../components/dialog';
import { FieldError, describedBy } from '../../components/field-error';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState, useAppStore } from '../../state/app-store';
import { MemberPicker } from './member-picker';
import { ModePicker } from './mode-picker';
import { RetryPolicyFields } from './retry-policy-fields';
import { parseRetryFields, type RetryFieldsText } from './retry-policy-input';

/**
 * New group: name, members from contacts, encryption mode. The core owns every rule (1..50
 * characters, two members besides the creator, no blocked people); its refusal is shown beside
 * the field it concerns rather than duplicated here.
 */
export function CreateGroupDialog() {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const contacts = useAppState((s) => s.contacts);
  const [name, setName] = useState('');
  const [members, setMembers] = useState<Set<string>>(new Set());
  const [mode, setMode] = useState<EncryptionMode>('mls');
  const [retry, setRetry] = useState<RetryFieldsText>({ retries: '', seconds: '' });
  const [advanced, setAdvanced] = useState(false);
  const errors = useFieldErrors<'name' | 'members' | 'mode' | 'retries' | 'interval' | 'retryPolicy'>(
    {
      name: ['GROUP_NAME_EMPTY', 'GROUP_NAME_TOO_LONG'],
      members: ['GROUP_TOO_FEW_MEMBERS', 'GROUP_MEMBERS_EMPTY', 'GROUP_DUPLICATE_MEMBERS', 'GROUP_CREATOR_IN_MEMBERS', 'CONTACT_BLOCKED', 'CONTACT_NOT_FOUND'],
      mode: ['ENCRYPTION_MODE_INVALID'],
      retries: [],
      interval: [],
      retryPolicy: ['RETRY_POLICY_INVALID'],
    },
    { name: 'name', members: 'members', mode: 'mode', retryPolicy: 'retryPolicy' },
  );
  const { busy, run } = useBusyAction(errors);
  const close = (): void => store.dispatch({ type: 'creating-group', open: false });

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    const parsed = parseRetryFields(retry);
    if ('problems' in parsed) {
      // The fields are under "Advanced": open it so the errors beside them are seen.
      setAdvanced(true);
      if (parsed.problems.retries !== undefined) errors.setProblem('retries', { key: parsed.problems.retries });
      if (parsed.problems.interval !== undefined) errors.setProblem('interval', { key: parsed.problems.interval });
      return;
    }
    const { maxRetries, timeoutMs } = parsed.policy;
    const retryPolicy = maxRetries === null && timeoutMs === null ? {} : { retryPolicy: parsed.policy };
    await run(async () => {
      const group = await call('groups.create', { name, members: [...members], mode, ...retryPolicy });
      store.dispatch({ type: 'groups-upserted', groups: [group] });
      store.dispatch({ type: 'open-group', groupId: group.groupId });
      close();
    });
  };

  const count = characterCount(name);
  return (
    <Dialog title={t('createGroup.title')} onClose={close} wide>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('createGroup.name')}</label>
          <div className="input-with-counter">
            <input
              id={`${id}-name`}
              value={name}
              autoFocus
              autoComplete="off"
              onChange={(e) => setName(e.target.value)}
              {...describedBy(`${id}-name-error`, errors.problem('name'))}
            />
            <span className={count > 50 ? 'counter over' : 'counter'} aria-hidden="true">
              {t('createGroup.chars', { count })}
            </span>
          </div>
          <FieldError id={`${id}-name-error`} problem={errors.problem('name')} />
        </div>
        {contacts.length === 0 && <p className="notice">{t('createGroup.noContacts')}</p>}
        <MemberPicker
          id={`${id}-members`}
          legend={t('createGroup.members')}
          hint={t('createGroup.membersHint')}
          people={contacts}
          selected={members}
          onChange={setMembers}
          problem={errors.problem('members')}
        />
        <ModePicker id={`${id}-mode`} value={mode} onChange={setMode} problem={errors.problem('mode')} />
        <details className="advanced" open={advanced} onToggle={(e) => setAdvanced(e.currentTarget.open)}>
          <summary>{t('retry.advanced')}</summary>
          <RetryPolicyFields id={`${id}-retry`} value={retry} onChange={setRetry} problems={{ retries: errors.problem('retries'), interval: errors.problem('interval') }} />
          <FieldError id={`${id}-retry-error`} problem={errors.problem('retryPolicy')} />
        </details>
        <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
        <div className="button-row end">
          <button type="button" className="button" onClick={close}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('common.working') : t('createGroup.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
