/**
 * Copies a text to the clipboard and says whether it worked. The Clipboard API exists only in secure contexts
 * (https, or localhost): over plain http on the LAN it is missing, and the button says to copy by hand instead
 * of claiming success.
 */
import { useState } from 'react';

type State = 'idle' | 'copied' | 'failed';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<State>('idle');
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" onClick={() => void copy()} aria-label={label}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy it' : 'Copy'}</span>
    </button>
  );
}
