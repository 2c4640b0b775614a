import { describe, expect, it } from 'vitest';
import { ReconnectBackoff } from '../../../../main/core/transport/reconnect-backoff.js';
import { toGrpcTarget } from '../../../../main/core/transport/slim-endpoint.js';

describe('reconnect backoff', () => {
  it('grows exponentially up to the cap, without jitter when random() is 0', () => {
    const backoff = new ReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0.5 }, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.attempt).toBe(6);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it('keeps jittered delays within [d·(1−jitter), d]', () => {
    const backoff = new ReconnectBackoff({ initialDelayMs: 1_000, maxDelayMs: 1_000, jitter: 0.5 });
    for (let i = 0; i < 200; i += 1) {
      const d = backoff.next();
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(1_000);
    }
  });

  it('refuses nonsense settings', () => {
    expect(() => new ReconnectBackoff({ initialDelayMs: 10, maxDelayMs: 5 })).toThrow(RangeError);
    expect(() => new ReconnectBackoff({ jitter: 2 })).toThrow(RangeError);
    expect(() => new ReconnectBackoff({ multiplier: 0.5 })).toThrow(RangeError);
  });
});

describe('node endpoints', () => {
  it('maps user-facing endpoints to grpc-js targets', () => {
    expect(toGrpcTarget('127.0.0.1:46357')).toBe('127.0.0.1:46357');
    expect(toGrpcTarget('http://localhost:46357/')).toBe('localhost:46357');
    expect(toGrpcTarget('[::1]:46357')).toBe('[::1]:46357');
    expect(toGrpcTarget('unix:///tmp/x/slim.sock')).toBe('unix:///tmp/x/slim.sock');
  });

  it.each(['', 'localhost', '127.0.0.1:0', '127.0.0.1:70000', 'unix://relative.sock', 'https://node:443', 'a b:1'])('refuses %j', (endpoint) => {
    expect(() => toGrpcTarget(endpoint)).toThrow(/endpoint|TLS/);
  });
});
