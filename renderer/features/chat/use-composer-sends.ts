import { useState } from 'react';
import type { MessageView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import type { FieldErrors } from '../../components/use-field-errors';
import { readFileAsBase64 } from './file-bytes';

/** The core refuses files above 100 MiB; checking first spares reading one into memory for nothing. */
const MAX_FILE_BYTES = 100 * 1024 * 1024;

export type ComposerField = 'text' | 'file';

export interface Upload {
  name: string;
  fraction: number;
  phase: 'reading' | 'sending';
}

interface SendContext {
  groupId: string;
  replyTo: MessageView | null;
  errors: FieldErrors<ComposerField>;
  /** The message went out: the reply is done. */
  onSent: () => void;
}

const replyField = (replyTo: MessageView | null): { replyTo?: string } => (replyTo === null ? {} : { replyTo: replyTo.id });

/** Sends the composer's text (one at a time); a refusal shows beside the field it concerns. */
export function useTextSend({ groupId, replyTo, errors, onSent }: SendContext) {
  const [sending, setSending] = useState(false);
  const send = async (text: string): Promise<boolean> => {
    if (sending) return false;
    errors.clear();
    setSending(true);
    try {
      await call('messages.sendText', { groupId, text, ...replyField(replyTo) });
      onSent();
      return true;
    } catch (error) {
      errors.showError(error);
      return false;
    } finally {
      setSending(false);
    }
  };
  return { sending, send };
}

/**
 * Reads a chosen file (with progress) and sends it with its caption (the message's text; none when
 * empty); too large a file is refused before it is read.
 */
export function useFileSend({ groupId, replyTo, errors, onSent }: SendContext) {
  const [upload, setUpload] = useState<Upload | null>(null);
  /** Whether a picked file may go on to the preview: too large a one is refused at once, beside the picker. */
  const accepts = (file: File): boolean => {
    errors.clear();
    if (file.size <= MAX_FILE_BYTES) return true;
    errors.setProblem('file', { code: 'FILE_TOO_LARGE' });
    return false;
  };
  const attach = async (file: File, caption = ''): Promise<void> => {
    if (!accepts(file)) return;
    setUpload({ name: file.name, fraction: 0, phase: 'reading' });
    try {
      const base64 = await readFileAsBase64(file, (fraction) => setUpload({ name: file.name, fraction, phase: 'reading' }));
      setUpload({ name: file.name, fraction: 1, phase: 'sending' });
      const mime = file.type === '' ? 'application/octet-stream' : file.type;
      await call('messages.sendFile', { groupId, name: file.name, mime, base64, ...(caption === '' ? {} : { caption }), ...replyField(replyTo) });
      onSent();
    } catch (error) {
      errors.showError(error);
    } finally {
      setUpload(null);
    }
  };
  return { upload, accepts, attach };
}
