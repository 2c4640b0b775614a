/**
 * Preload of the small passphrase window (sandboxed, bundled into dist/preload/passphrase-preload.cjs).
 * The page itself runs no script (its CSP forbids it); this preload wires its form and exposes nothing.
 */
import { ipcRenderer } from 'electron';
import { PASSPHRASE_FEEDBACK_CHANNEL, PASSPHRASE_SUBMIT_CHANNEL, type PassphraseSubmission } from './passphrase-channel.js';

function wire(): void {
  const form = document.getElementById('prompt') as HTMLFormElement | null;
  const passphrase = document.getElementById('passphrase') as HTMLInputElement | null;
  const confirm = document.getElementById('confirm') as HTMLInputElement | null;
  const error = document.getElementById('error');
  const submit = document.getElementById('submit') as HTMLButtonElement | null;
  const cancel = document.getElementById('cancel') as HTMLButtonElement | null;
  if (form === null || passphrase === null || error === null || submit === null || cancel === null) return;

  const send = (message: PassphraseSubmission): void => ipcRenderer.send(PASSPHRASE_SUBMIT_CHANNEL, message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    send({ action: 'submit', passphrase: passphrase.value, confirm: confirm === null ? null : confirm.value });
  });
  cancel.addEventListener('click', () => send({ action: 'cancel' }));
  ipcRenderer.on(PASSPHRASE_FEEDBACK_CHANNEL, (_event, message: unknown) => {
    error.textContent = typeof message === 'string' ? message : '';
    submit.disabled = false;
    passphrase.select();
  });
  passphrase.focus();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire);
else wire();
