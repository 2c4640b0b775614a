/**
 * The one rule for a link that may leave the app (issue 11): a plain http(s) address without a user
 * name or password (a classic disguise: https://bank.example@evil.example/). The renderer uses it to
 * decide what in a message becomes a link; the Electron shell uses it again before handing a URL to
 * the system browser, since the page is not trusted to have checked.
 *
 * Returns the address as the browser will open it, or null.
 */
export function externalUrl(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return null;
  return url.href;
}
