import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';

/**
 * Copies text to the clipboard. The async Clipboard API needs a secure context and permission;
 * the fallback (a hidden textarea and execCommand) covers hosts where it is refused.
 */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function CopyButton({ text, label, className }: { text: string; label: string; className?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2_000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <span className="copy-button">
      <button
        type="button"
        className={className ?? 'button'}
        onClick={() => {
          void copyText(text).then(() => setCopied(true));
        }}
      >
        {label}
      </button>
      <span className="copy-status" role="status">
        {copied ? t('common.copied') : ''}
      </span>
    </span>
  );
}
