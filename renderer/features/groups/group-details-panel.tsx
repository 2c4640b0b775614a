import { useId } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { ConfirmButton } from '../../components/confirm-button';
import { FieldError } from '../../components/field-error';
import { SidePanel } from '../../components/side-panel';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { useAppStore } from '../../state/app-store';
import { AddMembersForm } from './add-members-form';
import { AvatarUpload } from './avatar-upload';
import { GroupMemberList } from './group-member-list';
import { ModeBadge } from './mode-badge';
import { RenameGroupForm } from './rename-group-form';
import { RetryPolicyForm } from './retry-policy-form';
import { TechnicalDetails } from './technical-details';
import { setGroupMuted } from '../../state/app-loader';

/**
 * Everything about one group: picture, name, encryption and epoch, members (with add and remove
 * for the admin), mute, and leaving or deleting. Each action's error shows beside its control.
 */
export function GroupDetailsPanel({ group, onClose }: { group: GroupView; onClose: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const joined = group.myState === 'joined';
  const admin = group.isAdmin && joined;
  const errors = useFieldErrors({ leave: ['ADMIN_CANNOT_LEAVE', 'GROUP_LEFT'], delete: ['NOT_GROUP_ADMIN', 'GROUP_CLOSED'], rotate: ['MLS_ERROR'] });
  const { busy, run } = useBusyAction(errors);

  const act = async (field: 'leave' | 'delete' | 'rotate', action: () => Promise<unknown>): Promise<void> => {
    errors.clear();
    // Unmapped refusals go to the control that was used, not to a far-away banner.
    await run(async () => {
      await action();
      const fresh = await call('groups.get', { groupId: group.groupId });
      store.dispatch({ type: 'groups-upserted', groups: [fresh] });
    }, field);
  };

  return (
    <SidePanel title={t('details.title')} onClose={onClose}>
      <section className="details-section details-identity">
        <AvatarUpload group={group} editable={admin} />
        {admin ? <RenameGroupForm group={group} /> : <p className="details-name">{group.name}</p>}
      </section>

      <section className="details-section" aria-labelledby={`${id}-enc`}>
        <h3 id={`${id}-enc`}>{t('details.encryption')}</h3>
        <p>
          <ModeBadge mode={group.mode} />
        </p>
        {admin && group.mode !== 'none' && (
          <>
            <button type="button" className="button small" disabled={busy} onClick={() => void act('rotate', () => call('groups.rotateKeys', { groupId: group.groupId }))}>
              {t('details.rotate')}
            </button>
            <FieldError id={`${id}-rotate-error`} problem={errors.problem('rotate')} />
          </>
        )}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={group.muted}
            onChange={(e) => {
              void setGroupMuted(store, group.groupId, e.target.checked);
            }}
          />
          {t('details.mute')}
        </label>
      </section>

      {/* A direct chat's two people never change: no adding or removing there. */}
      <GroupMemberList group={group} admin={admin && !group.direct} />
      {admin && !group.direct && <AddMembersForm group={group} />}
      {joined && <RetryPolicyForm key={group.groupId} group={group} />}
      <TechnicalDetails group={group} />

      {joined && (
        <section className="details-section danger-zone">
          {group.isAdmin ? (
            <ConfirmButton
              label={t('details.delete')}
              question={t('details.confirmDelete', { name: group.name })}
              disabled={busy}
              onConfirm={() => void act('delete', () => call('groups.delete', { groupId: group.groupId }))}
            />
          ) : (
            <ConfirmButton
              label={t('details.leave')}
              question={t('details.confirmLeave', { name: group.name })}
              disabled={busy}
              onConfirm={() => void act('leave', () => call('groups.leave', { groupId: group.groupId }))}
            />
          )}
          <FieldError id={`${id}-leave-error`} problem={errors.problem('leave')} />
          <FieldError id={`${id}-delete-error`} problem={errors.problem('delete')} />
        </section>
      )}
    </SidePanel>
  );
}
