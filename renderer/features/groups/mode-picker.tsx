import { ENCRYPTION_MODES, type EncryptionMode } from '../../../shared/domain/views';
import { FieldError } from '../../components/field-error';
import type { FieldProblem } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';

/** The three encryption modes as radio cards, MLS first (the default). */
export function ModePicker({
  id,
  value,
  onChange,
  problem,
}: {
  id: string;
  value: EncryptionMode;
  onChange: (mode: EncryptionMode) => void;
  problem: FieldProblem | undefined;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="fieldset" aria-describedby={problem === undefined ? undefined : `${id}-error`}>
      <legend>{t('createGroup.mode')}</legend>
      <div className="mode-options">
        {ENCRYPTION_MODES.map((mode) => (
          <label key={mode} className={value === mode ? 'mode-option selected' : 'mode-option'}>
            <input
              type="radio"
              name={`${id}-mode`}
              value={mode}
              checked={value === mode} onChange={() => onChange(mode)}
              aria-label={t(`mode.${mode}`)}
              aria-describedby={`${id}-${mode}-hint`}
            />
            <span className="mode-option-title">{t(`mode.${mode}`)}</span>
            <span id={`${id}-${mode}-hint`} className="hint">
              {t(`mode.${mode}.hint`)}
            </span>
          </label>
        ))}
      </div>
      <FieldError id={`${id}-error`} problem={problem} />
    </fieldset>
  );
}
