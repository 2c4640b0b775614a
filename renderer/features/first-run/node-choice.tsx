import { useId } from 'react';
import type { Settings } from '../../../shared/ipc/ipc-contract';
import { useI18n } from '../../i18n/i18n-context';

export type NodeSetting = Settings['node'];

/** Embedded node (the default: works with no setup) or a remote SLIM node at an address. */
export function NodeChoice({ value, onChange, problemText }: { value: NodeSetting; onChange: (next: NodeSetting) => void; problemText?: string }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <fieldset className="fieldset">
      <legend>{t('firstRun.node')}</legend>
      <label className="radio">
        <input type="radio" name={`${id}-node`} checked={value.mode === 'embedded'} onChange={() => onChange({ ...value, mode: 'embedded' })} />
        {t('firstRun.nodeEmbedded')}
      </label>
      <label className="radio">
        <input type="radio" name={`${id}-node`} checked={value.mode === 'remote'} onChange={() => onChange({ ...value, mode: 'remote' })} />
        {t('firstRun.nodeRemote')}
      </label>
      {value.mode === 'remote' && (
        <div className="field">
          <label htmlFor={`${id}-endpoint`}>{t('firstRun.nodeEndpoint')}</label>
          <input
            id={`${id}-endpoint`}
            type="url"
            value={value.remoteEndpoint}
            placeholder="http://127.0.0.1:46357"
            aria-describedby={`${id}-endpoint-hint${problemText === undefined ? '' : ` ${id}-endpoint-error`}`}
            aria-invalid={problemText === undefined ? undefined : true}
            onChange={(e) => onChange({ ...value, remoteEndpoint: e.target.value })}
          />
          <p id={`${id}-endpoint-hint`} className="hint">
            {t('firstRun.nodeEndpointHint')}
          </p>
          {problemText !== undefined && (
            <p id={`${id}-endpoint-error`} className="field-error" role="alert">
              {problemText}
            </p>
          )}
        </div>
      )}
    </fieldset>
  );
}
