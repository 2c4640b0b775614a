import { describe, expect, it } from 'vitest';
import { linkTarget, splitLinks } from '../../../renderer/features/chat/link-text';

const links = (text: string) => splitLinks(text).filter((p) => p.kind === 'link');

describe('links in message text', () => {
  it('cuts text into plain pieces and http(s) links, losing nothing', () => {
    const text = 'See https://example.org/a?b=1#c and http://x.test:8080/p, then stop.';
    const pieces = splitLinks(text);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(links(text).map((p) => p.kind === 'link' && p.url)).toEqual(['https://example.org/a?b=1#c', 'http://x.test:8080/p']);
  });

  it('leaves sentence punctuation and unopened brackets outside the link, keeps balanced ones', () => {
    expect(links('(see https://example.org/page).').map((p) => p.text)).toEqual(['https://example.org/page']);
    expect(links('https://en.wikipedia.org/wiki/Kizuna_(film)!').map((p) => p.text)).toEqual(['https://en.wikipedia.org/wiki/Kizuna_(film)']);
    expect(links('ここ https://example.jp/で。').map((p) => p.text)).toEqual(['https://example.jp/で']);
  });

  it('refuses what is not a plain web link: other schemes, credentials, bare domains, broken addresses', () => {
    for (const text of ['javascript:alert(1)', 'file:///etc/passwd', 'www.example.org', 'mailto:a@b.c', 'https://', 'https://[::1']) {
      expect(links(text), text).toEqual([]);
    }
    expect(links('https://bank.example@evil.example/')).toEqual([]);
    expect(linkTarget('https://user:pw@example.org/')).toBeNull();
    expect(linkTarget('HTTPS://EXAMPLE.org')).toBe('https://example.org/');
  });

  it('shows the host as the browser will open it (punycode), so a look-alike name is visible in the dialog', () => {
    expect(links('https://аpple.com/')[0]).toMatchObject({ kind: 'link', url: 'https://xn--pple-43d.com/' });
  });

  it('stops making links after a bound, keeping the rest as text', () => {
    const text = Array.from({ length: 300 }, (_, i) => `https://e.test/${i}`).join(' ');
    const pieces = splitLinks(text);
    expect(pieces.filter((p) => p.kind === 'link')).toHaveLength(200);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
  });
});
