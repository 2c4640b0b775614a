import type { MessageView } from '../../../shared/domain/views';
import { Icon } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';
import { previewText, senderLabel } from './message-preview';
import type { Upload } from './use-composer-sends';

/** Above the composer: the message being replied to, with a way to cancel the reply. */
export function ReplyBanner({ replyTo, onCancel }: { replyTo: MessageView; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="composer-reply">
      <span className="composer-reply-text">
        <strong>{replyTo.isMine ? t('composer.replyingToSelf') : t('composer.replyingTo', { name: senderLabel(replyTo, t) })}</strong>
        <span className="muted">{previewText(replyTo, 120)}</span>
      </span>
      <button type="button" className="icon-button" aria-label={t('composer.cancelReply')} onClick={onCancel}>
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}

/** Above the composer while a file is read and sent. */
export function UploadStatus({ upload }: { upload: Upload }) {
  const { t } = useI18n();
  return (
    <div className="composer-upload" role="status">
      <span>
        {upload.phase === 'reading'
          ? t('composer.preparing', { name: upload.name, percent: Math.floor(upload.fraction * 100) })
          : t('composer.sendingFile', { name: upload.name })}
      </span>
      <progress max={1} value={upload.phase === 'reading' ? upload.fraction : undefined} aria-label={upload.name} />
    </div>
  );
}
