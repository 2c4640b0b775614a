import { useId } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import { useI18n } from '../../i18n/i18n-context';

/**
 * The crypto and network words the main UI leaves out (issue 11): key epoch, group version and each
 * member's SLIM name, folded away at the bottom of the group panel for whoever needs them.
 */
export function TechnicalDetails({ group }: { group: GroupView }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <section className="details-section" aria-labelledby={`${id}-title`}>
      <details className="technical-details">
        <summary id={`${id}-title`}>{t('details.technical')}</summary>
        <dl>
          <dt>{t('details.technicalEpoch')}</dt>
          <dd>{group.epoch}</dd>
          <dt>{t('details.technicalVersion')}</dt>
          <dd>{group.version}</dd>
          {group.members.map((m) => (
            <div key={m.userId}>
              <dt>{m.displayName}</dt>
              <dd>
                <code>{m.slimName}</code>
              </dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  );
}
