import { useState } from 'react';
import type { FieldErrors } from './use-field-errors';

/**
 * A form's request in flight: `busy` while it runs (buttons disable themselves on it), and a
 * refusal shown beside the field it concerns, or beside `fallback` when no field claims its code.
 */
export function useBusyAction<F extends string>(errors: FieldErrors<F>) {
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>, fallback: F | 'form' = 'form', onError?: () => void): Promise<void> => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      onError?.();
      errors.showError(error, fallback);
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
