/**
 * The passphrase window's page: static HTML with no script at all (its CSP says so); the window's
 * preload (preload/passphrase-preload.ts) wires the form. Built here as a string, loaded as a data: URL.
 */
export interface PassphrasePageOptions {
  mode: 'new' | 'existing';
  /** Why we ask (shown above the field). */
  message: string;
}

export const PASSPHRASE_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function passphrasePageHtml(options: PassphrasePageOptions): string {
  const confirm =
    options.mode === 'new'
      ? `<label for="confirm">Repeat the passphrase</label><input id="confirm" type="password" autocomplete="new-password" required minlength="8" maxlength="1024">`
      : '';
  const title = options.mode === 'new' ? 'Choose a passphrase' : 'Unlock Kizuna';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PASSPHRASE_PAGE_CSP}">
<title>${title}</title>
<style>
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 24px; }
h1 { font-size: 1.2rem; margin: 0 0 8px; }
p { margin: 0 0 16px; line-height: 1.4; }
label { display: block; margin: 12px 0 4px; }
input { width: 100%; box-sizing: border-box; padding: 6px 8px; font-size: 1rem; }
#error { color: #c62828; min-height: 1.4em; margin-top: 8px; }
.buttons { display: flex; gap: 8px; justify-content: flex-end; margin-top: 16px; }
</style></head>
<body>
<h1>${title}</h1>
<p>${escapeHtml(options.message)}</p>
<form id="prompt">
<label for="passphrase">Passphrase</label><input id="passphrase" type="password" autocomplete="${options.mode === 'new' ? 'new-password' : 'current-password'}" required minlength="${options.mode === 'new' ? 8 : 1}" maxlength="1024">
${confirm}
<div id="error" role="alert" aria-live="assertive"></div>
<div class="buttons"><button id="cancel" type="button">Quit</button><button id="submit" type="submit">${options.mode === 'new' ? 'Create' : 'Unlock'}</button></div>
</form>
</body></html>`;
}
