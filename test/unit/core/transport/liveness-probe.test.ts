import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LivenessProbe } from '../../../../main/core/transport/liveness-probe.js';
import { TypedEmitter } from '../../../../main/core/events/typed-emitter.js';
import { setLogSink, type LogRecord } from '../../../../main/core/log/logger.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('liveness probe', () => {
  it('sends one probe per interval and stays quiet while probes come back', () => {
    const sent: number[] = [];
    const dead = vi.fn();
    const probe = new LivenessProbe({ intervalMs: 100, timeoutMs: 80 }, (seq) => sent.push(seq), dead);
    probe.start();
    for (let i = 0; i < 5; i += 1) {
      vi.advanceTimersByTime(100);
      probe.echo(sent[sent.length - 1] ?? -1);
    }
    expect(sent).toEqual([1, 2, 3, 4, 5]);
    expect(dead).not.toHaveBeenCalled();
    probe.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('declares the link dead when a probe does not come back in time, and ignores stale echoes', () => {
    const sent: number[] = [];
    const dead = vi.fn();
    const probe = new LivenessProbe({ intervalMs: 100, timeoutMs: 150 }, (seq) => sent.push(seq), dead);
    probe.start();
    vi.advanceTimersByTime(100);
    probe.echo(999); // not the outstanding one
    vi.advanceTimersByTime(100); // interval fires again but one probe is still outstanding: no second send
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(50);
    expect(dead).not.toHaveBeenCalled(); // the verdict waits for the input already pending to be read
    vi.advanceTimersByTime(1);
    expect(dead).toHaveBeenCalledWith(150);
    expect(vi.getTimerCount()).toBe(0); // it stops itself
  });

  it('keeps a link alive while it delivers other traffic, and declares it dead once that stops', () => {
    const sent: number[] = [];
    const dead = vi.fn();
    const probe = new LivenessProbe({ intervalMs: 100, timeoutMs: 150 }, (seq) => sent.push(seq), dead);
    probe.start();
    vi.advanceTimersByTime(100); // probe 1 goes out; its echo is stuck behind a flood
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(100);
      probe.heard(); // a publish arrived on the link
    }
    expect(dead).not.toHaveBeenCalled();
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(151); // the flood ended and nothing else came, not even the echo
    expect(dead).toHaveBeenCalledWith(150);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('typed emitter', () => {
  class Demo extends TypedEmitter<{ ping: number }> {
    fire(n: number): void {
      this.emit('ping', n);
    }
  }

  it('keeps calling other listeners when one throws, and logs the failure', () => {
    const records: LogRecord[] = [];
    setLogSink((r) => records.push(r));
    const demo = new Demo();
    const got: number[] = [];
    demo.on('ping', () => {
      throw new Error('listener bug');
    });
    const off = demo.on('ping', (n) => got.push(n));
    demo.once('ping', (n) => got.push(n * 10));
    demo.fire(1);
    demo.fire(2);
    off();
    demo.fire(3);
    expect(got).toEqual([1, 10, 2]);
    expect(records.some((r) => r.level === 'error' && r.msg.includes('listener threw'))).toBe(true);
    expect(demo.listenerCount('ping')).toBe(1);
  });
});
