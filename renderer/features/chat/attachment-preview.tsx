import { useEffect, useId, useState } from 'react';
import { Dialog } from '../../components/dialog';
import { Icon } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';
import { formatBytes } from './file-attachment';

/** The core's limit on a caption (as on a text message): the field stops there rather than the send failing. */
const MAX_CAPTION_CHARS = 64 * 1024;

/**
 * What a picked file will be sent as, before it is sent: a thumbnail for an image (else its name,
 * size and type) and a caption that goes out as the message's text. Send hands both over; Cancel
 * (or Escape) sends nothing. Enter sends, Shift+Enter is a new line, as in the composer.
 */
export function AttachmentPreview({ file, onSend, onCancel }: { file: File; onSend: (caption: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [caption, setCaption] = useState('');
  const isImage = file.type.startsWith('image/');
  const [thumbnail, setThumbnail] = useState<string | null>(null);
  // An image type this browser cannot draw (HEIC, say) is described like any other file.
  const [undrawable, setUndrawable] = useState(false);

  useEffect(() => {
    if (!isImage) return;
    const url = URL.createObjectURL(file);
    setThumbnail(url);
    return () => URL.revokeObjectURL(url);
  }, [file, isImage]);

  const send = (): void => onSend(caption.trim() === '' ? '' : caption);

  return (
    <Dialog title={t('attach.title')} onClose={onCancel}>
      <form
        className="attachment-preview"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        {thumbnail !== null && !undrawable ? (
          <img className="attachment-thumbnail" src={thumbnail} alt={file.name} onError={() => setUndrawable(true)} />
        ) : (
          <div className="attachment-file">
            <Icon name="attach" size={28} />
            <dl className="attachment-facts">
              <dt>{t('attach.name')}</dt>
              <dd className="file-name">{file.name}</dd>
              <dt>{t('attach.size')}</dt>
              <dd>{formatBytes(file.size)}</dd>
              <dt>{t('attach.type')}</dt>
              <dd>{file.type === '' ? t('attach.unknownType') : file.type}</dd>
            </dl>
          </div>
        )}
        {thumbnail !== null && !undrawable && (
          <p className="small muted attachment-caption-line">
            {file.name} · {formatBytes(file.size)}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-caption`}>{t('attach.caption')}</label>
          <textarea
            id={`${id}-caption`}
            rows={2}
            value={caption}
            maxLength={MAX_CAPTION_CHARS}
            placeholder={t('attach.captionPlaceholder')}
            onChange={(e) => setCaption(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                send();
              }
            }}
          />
        </div>
        <div className="button-row end">
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button primary">
            {t('composer.send')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
