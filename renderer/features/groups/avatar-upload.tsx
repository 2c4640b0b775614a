import { useId } from 'react';
import type { GroupView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { Avatar } from '../../components/avatar';
import { FieldError } from '../../components/field-error';
import { useBusyAction } from '../../components/use-busy-action';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { useAppStore } from '../../state/app-store';
import { readFileAsBase64 } from '../chat/file-bytes';

const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const AVATAR_MAX_BYTES = 256 * 1024;

/**
 * The group picture and, for the admin, a picker. A file that cannot be one (type or size) is
 * refused before it is read, with the same words as the core's GROUP_AVATAR_INVALID; anything
 * the core still refuses (e.g. bytes that are not really an image) shows in the same place.
 */
export function AvatarUpload({ group, editable }: { group: GroupView; editable: boolean }) {
  const { t } = useI18n();
  const id = useId();
  const store = useAppStore();
  const errors = useFieldErrors({ avatar: ['GROUP_AVATAR_INVALID', 'NOT_GROUP_ADMIN', 'GROUP_BUSY'] }, { base64: 'avatar', mime: 'avatar' });
  const { busy, run } = useBusyAction(errors);

  const pick = async (file: File): Promise<void> => {
    errors.clear();
    if (!AVATAR_TYPES.includes(file.type) || file.size > AVATAR_MAX_BYTES) {
      errors.setProblem('avatar', { code: 'GROUP_AVATAR_INVALID' });
      return;
    }
    await run(async () => {
      const base64 = await readFileAsBase64(file);
      const g = await call('groups.setAvatar', { groupId: group.groupId, base64, mime: file.type });
      store.dispatch({ type: 'groups-upserted', groups: [g] });
    }, 'avatar');
  };

  return (
    <div className="avatar-upload">
      <Avatar id={group.groupId} name={group.name} image={group.avatar} size={72} />
      {editable && (
        <div className="field">
          <label htmlFor={`${id}-file`} className="button small">
            {t('details.avatarChange')}
          </label>
          <input
            id={`${id}-file`}
            className="visually-hidden"
            type="file"
            accept={AVATAR_TYPES.join(',')}
            disabled={busy}
            aria-describedby={`${id}-hint${errors.problem('avatar') === undefined ? '' : ` ${id}-error`}`}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file !== undefined) void pick(file);
            }}
          />
          <p id={`${id}-hint`} className="hint">
            {t('details.avatarHint')}
          </p>
          <FieldError id={`${id}-error`} problem={errors.problem('avatar')} />
        </div>
      )}
    </div>
  );
}
