import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_COOKIE, TOKEN_PARAM } from './bridge-protocol.js';
import { SECURITY_HEADERS, contentSecurityPolicy } from './content-security-policy.js';

/**
 * Who may talk to the browser host: whoever holds the token (`?token=` on the first page load, then
 * an HttpOnly, SameSite=Strict cookie), through a Host header naming this host (no DNS rebinding),
 * and for sockets from a page of this host (Origin). The port is known once the server listens.
 */
export class HostAccess {
  private readonly tokenBytes: Buffer;
  private port = 0;
  private allowedHosts = new Set<string>();

  constructor(readonly token: string) {
    this.tokenBytes = Buffer.from(token, 'utf8');
  }

  /** The server listens: from now on only these Host names (and Origins) are ours. */
  listening(bindHost: string, port: number): void {
    this.port = port;
    this.allowedHosts =
      bindHost === '::1' ? new Set([`[::1]:${port}`, `localhost:${port}`]) : new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  }

  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.allowedHosts.has(host);
  }

  /** A socket's Origin: absent (not a browser) or a page of this host. */
  originAllowed(origin: string | undefined): boolean {
    return origin === undefined || this.allowedHosts.has(origin.replace(/^http:\/\//, ''));
  }

  /** How the request proves it holds the token, if it does. */
  authorised(req: IncomingMessage, url: URL): 'query' | 'cookie' | false {
    if (this.tokenMatches(url.searchParams.get(TOKEN_PARAM))) return 'query';
    return this.tokenMatches(this.cookieToken(req)) ? 'cookie' : false;
  }

  /** The cookie that spares the page the token in its address from now on. */
  setCookieHeader(): Record<string, string> {
    return { 'Set-Cookie': `${this.cookieName()}=${this.token}; HttpOnly; SameSite=Strict; Path=/` };
  }

  /** Security headers, with the socket's origin in connect-src: the Host the page used, when it is one of ours (never echo another). */
  securityHeaders(req: IncomingMessage): Record<string, string> {
    const host = this.hostAllowed(req.headers.host) ? (req.headers.host as string) : `127.0.0.1:${this.port}`;
    return { ...SECURITY_HEADERS, 'Content-Security-Policy': contentSecurityPolicy({ connectSrc: [`ws://${host}`] }) };
  }

  /** One cookie name per port, so two hosts on one machine do not overwrite each other's. */
  private cookieName(): string {
    return `${TOKEN_COOKIE}_${this.port}`;
  }

  private tokenMatches(candidate: string | null | undefined): boolean {
    if (candidate === null || candidate === undefined) return false;
    const bytes = Buffer.from(candidate, 'utf8');
    return bytes.length === this.tokenBytes.length && timingSafeEqual(bytes, this.tokenBytes);
  }

  private cookieToken(req: IncomingMessage): string | undefined {
    const header = req.headers.cookie;
    if (header === undefined) return undefined;
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === this.cookieName()) return part.slice(eq + 1).trim();
    }
    return undefined;
  }
}
