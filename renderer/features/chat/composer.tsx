import { useEffect, useId, useRef, useState } from 'react';
import type { MessageView } from '../../../shared/domain/views';
import { FieldError, describedBy } from '../../components/field-error';
import type { FieldProblem } from '../../components/use-field-errors';
import { Icon } from '../../components/icon';
import { useFieldErrors } from '../../components/use-field-errors';
import { useI18n } from '../../i18n/i18n-context';
import { AttachmentPreview } from './attachment-preview';
import { ReplyBanner, UploadStatus } from './composer-status';
import { useFileSend, useTextSend, type ComposerField } from './use-composer-sends';
import { useTypingSender } from './use-typing-sender';

/**
 * Writes messages: Enter sends (Shift+Enter is a new line; Enter that ends an IME composition,
 * as in Japanese input, does not send), replies quote a message, a picked file is previewed with a
 * caption before it is sent, then sent with a progress bar.
 */
export function Composer({ groupId, replyTo, onCancelReply }: { groupId: string; replyTo: MessageView | null; onCancelReply: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<File | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSender(groupId, true);
  const errors = useFieldErrors<ComposerField>(
    {
      text: ['MESSAGE_EMPTY', 'MESSAGE_TOO_LONG', 'GROUP_LEFT', 'GROUP_CLOSED', 'SECRET_MISSING'],
      file: ['FILE_TOO_LARGE', 'FILE_NAME_INVALID'],
    },
    { text: 'text', base64: 'file', name: 'file' },
  );
  const textSend = useTextSend({ groupId, replyTo, errors, onSent: onCancelReply });
  const fileSend = useFileSend({ groupId, replyTo, errors, onSent: onCancelReply });

  useEffect(() => {
    if (replyTo !== null) textRef.current?.focus();
  }, [replyTo]);

  const send = async (): Promise<void> => {
    if (textSend.sending) return;
    if (await textSend.send(text)) {
      setText('');
      typing.stopped();
    }
    textRef.current?.focus();
  };

  const rows = Math.min(6, Math.max(1, text.split('\n').length));
  return (
    <>
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
        noValidate
      >
        {replyTo !== null && <ReplyBanner replyTo={replyTo} onCancel={onCancelReply} />}
        {fileSend.upload !== null && <UploadStatus upload={fileSend.upload} />}
        <div className="composer-row">
          <AttachButton
            errorId={`${id}-file-error`}
            problem={errors.problem('file')}
            onFile={(file) => {
              if (fileSend.accepts(file)) setPicked(file);
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
              // An error about what was typed or sent before (a file's too) is stale once the text
              // changes; switching chats remounts the composer (ChatScreen keys it), which clears them too.
              errors.clear();
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
          <button type="submit" className="button primary send-button" disabled={textSend.sending} aria-label={t('composer.send')}>
            <Icon name="send" size={18} />
          </button>
        </div>
        <FieldError id={`${id}-text-error`} problem={errors.problem('text')} />
        <FieldError id={`${id}-file-error`} problem={errors.problem('file')} />
        <FieldError id={`${id}-form-error`} problem={errors.problem('form')} />
      </form>
      {/* Outside the form: its own form's submit must not bubble into the composer's. */}
      {picked !== null && (
        <AttachmentPreview
          file={picked}
          onCancel={() => setPicked(null)}
          onSend={(caption) => {
            setPicked(null);
            void fileSend.attach(picked, caption);
          }}
        />
      )}
    </>
  );
}

/** The paper clip: opens the system's file chooser (a hidden input) and hands over the chosen file. */
function AttachButton({ errorId, problem, onFile }: { errorId: string; problem: FieldProblem | undefined; onFile: (file: File) => void }) {
  const { t } = useI18n();
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="icon-button" aria-label={t('composer.attach')} title={t('composer.attach')} onClick={() => fileRef.current?.click()}>
        <Icon name="attach" size={20} />
      </button>
      <input
        ref={fileRef}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        {...describedBy(errorId, problem)}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file !== undefined) onFile(file);
        }}
      />
    </>
  );
}
