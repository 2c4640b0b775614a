import { useEffect, useState } from 'react';
import type { MessageView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { Icon } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';
import { useAppState } from '../../state/app-store';
import { base64ToBytes } from './file-bytes';

/** Object URLs of image previews, by message id; a small bound keeps long scrolls from hoarding memory. */
const previews = new Map<string, string>();
const PREVIEW_LIMIT = 60;

function rememberPreview(messageId: string, url: string): void {
  previews.set(messageId, url);
  while (previews.size > PREVIEW_LIMIT) {
    const [oldestId, oldestUrl] = previews.entries().next().value as [string, string];
    previews.delete(oldestId);
    URL.revokeObjectURL(oldestUrl);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

async function readBlob(messageId: string): Promise<{ blob: Blob; name: string }> {
  const f = await call('messages.readFile', { messageId });
  return { blob: new Blob([base64ToBytes(f.base64)], { type: f.mime }), name: f.name };
}

/** A file in a message: name, size, arrival progress (from `file` events), download, and an image preview. */
export function FileAttachment({ message, tabIndex }: { message: MessageView; tabIndex: number }) {
  const { t } = useI18n();
  const file = message.file;
  const progress = useAppState((s) => (file === null ? undefined : s.files[file.hash]));
  const available = file !== null && (file.available || progress?.complete === true);
  const isImage = message.kind === 'media' && file !== null && file.mime.startsWith('image/');
  const [preview, setPreview] = useState<string | null>(() => previews.get(message.id) ?? null);

  useEffect(() => {
    if (!isImage || !available || preview !== null) return;
    let live = true;
    readBlob(message.id).then(
      ({ blob }) => {
        const url = URL.createObjectURL(blob);
        rememberPreview(message.id, url);
        if (live) setPreview(url);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [isImage, available, preview, message.id]);

  if (file === null) return null;
  const percent = progress !== undefined && progress.total > 0 ? Math.floor((progress.have / progress.total) * 100) : 0;

  const download = async (): Promise<void> => {
    const { blob, name } = await readBlob(message.id);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <div className="file-attachment">
      {isImage && preview !== null && <img className="file-preview" src={preview} alt={file.name} />}
      <div className="file-row">
        <Icon name="attach" size={18} />
        <span className="file-text">
          <span className="file-name">{file.name}</span>
          <span className="file-size">{formatBytes(file.size)}</span>
        </span>
        {available ? (
          <button type="button" className="icon-button" tabIndex={tabIndex} aria-label={`${t('message.download')} ${file.name}`} onClick={() => void download()}>
            <Icon name="download" size={16} />
          </button>
        ) : progress !== undefined && !progress.complete ? (
          <span className="file-progress">
            <progress max={100} value={percent} aria-label={t('message.receiving', { percent })} />
            <span className="small muted">{t('message.receiving', { percent })}</span>
          </span>
        ) : (
          <span className="small muted">{t('message.notAvailable')}</span>
        )}
      </div>
    </div>
  );
}
