import { useId, useState } from 'react';
import { FieldError, describedBy } from '../../components/field-error';
import { SidePanel } from '../../components/side-panel';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { localDayKey, useI18n } from '../../i18n/i18n-context';
import type { MessageWindow } from './message-window';

/** Opens one day of history. The day is the user's: the core is given the local time zone from Intl. */
export function JumpToDatePanel({ window: win, onClose }: { window: MessageWindow; onClose: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [date, setDate] = useState(() => localDayKey(Date.now()));
  const errors = useFieldErrors({ date: [] }, { date: 'date', timeZone: 'date' });
  const { busy, run } = useBusyAction(errors);

  const go = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    errors.clear();
    await run(async () => {
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const found = await win.jumpToDay(date, timeZone);
      if (!found) errors.setProblem('date', { key: 'jump.empty' });
    });
  };

  return (
    <SidePanel title={t('jump.title')} onClose={onClose}>
      <form className="form inline-form" onSubmit={(e) => void go(e)} noValidate>
        <div className="field grow">
          <label htmlFor={`${id}-date`}>{t('jump.field')}</label>
          <input
            id={`${id}-date`}
            type="date"
            value={date}
            max={localDayKey(Date.now())}
            onChange={(e) => setDate(e.target.value)}
            {...describedBy(`${id}-date-error`, errors.problem('date'))}
          />
          <FieldError id={`${id}-date-error`} problem={errors.problem('date')} />
        </div>
        <button type="submit" className="button primary" disabled={busy || date === ''}>
          {t('jump.button')}
        </button>
      </form>
      <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
    </SidePanel>
  );
}
