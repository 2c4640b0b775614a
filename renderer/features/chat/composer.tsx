import { useEffect, useId, useRef, useState } from 'react';
import type { MessageView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { FieldError, describedBy } from '../../components/field-error';
import { Icon } from '../../components/icon';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { readFileAsBase64 } from './file-bytes';
import { useTypingSender } from './use-typing-sender';
import { previewText, senderLabel } from './message-preview';

/** The core refuses files above 100 MiB; checking first spares reading one into memory for nothing. */
const MAX_FILE_BYTES = 100 * 1024 * 1024;

/**
 * Writes messages: Enter sends (Shift+Enter is a new line; Enter that ends an IME composition,
 * as in Japanese input, does not send), replies quote a message, files attach with a progress bar.
 */
export function Composer({ groupId, replyTo, onCancelReply }: { groupId: string; replyTo: MessageView | null; onCancelReply: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [upload, setUpload] = useState<{ name: string; fraction: number; phase: 'reading' | 'sending' } | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const typing = useTypingSender(groupId, true);
  const errors = useFieldErrors(
    {
      text: ['MESSAGE_EMPTY', 'MESSAGE_TOO_LONG', 'GROUP_LEFT', 'GROUP_CLOSED', 'SECRET_MISSING'],
      file: ['FILE_TOO_LARGE', 'FILE_NAME_INVALID'],
    },
    { text: 'text', base64: 'file', name: 'file' },
  );

  useEffect(() => {
    if (replyTo !== null) textRef.current?.focus();
  }, [replyTo]);

  const send = async (): Promise<void> => {
    if (sending) return;
    errors.clear();
    setSending(true);
    try {
      await call('messages.sendText', { groupId, text, ...(replyTo === null ? {} : { replyTo: replyTo.id }) });
      setText('');
      onCancelReply();
      typing.stopped();
    } catch (error) {
      errors.showError(error);
    } finally {
      setSending(false);
      textRef.current?.focus();
    }
  };

  const attach = async (file: File): Promise<void> => {
    errors.clear();
    if (file.size > MAX_FILE_BYTES) {
      errors.setProblem('file', { code: 'FILE_TOO_LARGE' });
      return;
    }
    setUpload({ name: file.name, fraction: 0, phase: 'reading' });
    try {
      const base64 = await readFileAsBase64(file, (fraction) => setUpload({ name: file.name, fraction, phase: 'reading' }));
      setUpload({ name: file.name, fraction: 1, phase: 'sending' });
      await call('messages.sendFile', {
        groupId,
        name: file.name,
        mime: file.type === '' ? 'application/octet-stream' : file.type,
        base64,
        ...(replyTo === null ? {} : { replyTo: replyTo.id }),
      });
      onCancelReply();
    } catch (error) {
      errors.showError(error);
    } finally {
      setUpload(null);
    }
  };

  const rows = Math.min(6, Math.max(1, text.split('\n').length));
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      noValidate
    >
      {replyTo !== null && (
        <div className="composer-reply">
          <span className="composer-reply-text">
            <strong>{t('composer.replyingTo', { name: senderLabel(replyTo, t) })}</strong>
            <span className="muted">{previewText(replyTo, 120)}</span>
          </span>
          <button type="button" className="icon-button" aria-label={t('composer.cancelReply')} onClick={onCancelReply}>
            <Icon name="close" size={16} />
          </button>
        </div>
      )}
      {upload !== null && (
        <div className="composer-upload" role="status">
          <span>
            {upload.phase === 'reading'
              ? t('composer.preparing', { name: upload.name, percent: Math.floor(upload.fraction * 100) })
              : t('composer.sendingFile', { name: upload.name })}
          </span>
          <progress max={1} value={upload.phase === 'reading' ? upload.fraction : undefined} aria-label={upload.name} />
        </div>
      )}
      <div className="composer-row">
        <button type="button" className="icon-button" aria-label={t('composer.attach')} title={t('composer.attach')} onClick={() => fileRef.current?.click()}>
          <Icon name="attach" size={20} />
        </button>
        <input
          ref={fileRef}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          {...describedBy(`${id}-file-error`, errors.problem('file'))}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file !== undefined) void attach(file);
          }}
        />
        <label htmlFor={`${id}-text`} className="visually-hidden">
          {t('composer.label')}
        </label>
        <textarea
          id={`${id}-text`}
          ref={textRef}
          className="composer-input"
          rows={rows}
          value={text}
          placeholder={t('composer.placeholder')}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value !== '') typing.typed();
            else typing.stopped();
          }}
          onBlur={typing.stopped}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
          {...describedBy(`${id}-text-error`, errors.problem('text'))}
        />
        <button type="submit" className="button primary send-button" disabled={sending} aria-label={t('composer.send')}>
          <Icon name="send" size={18} />
        </button>
      </div>
      <FieldError id={`${id}-text-error`} problem={errors.problem('text')} />
      <FieldError id={`${id}-file-error`} problem={errors.problem('file')} />
      <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
    </form>
  );
}
