// A button's work: busy while it runs, and the daemon's message when it fails (cleared when it is tried again).
import { createSignal } from 'solid-js';
import { errorText } from '../files/api.ts';
import { t } from '../i18n/index.ts';

export function createAction() {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');
  /** Runs `fn`; a failure's message goes to `error`, or to `onError` when given. */
  const run = async (fn: () => Promise<unknown>, onError: (message: string) => void = setError) => {
    setBusy(true);
    setError('');
    try {
      await fn();
    } catch (err) {
      onError(errorText(err, t('common.error')));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
