import { describe, expect, it } from 'vitest';
import { RecentLines, readyEndpoint, startFailure } from '../../../main/electron/slim-node-output.js';
import { NODE_READY_LINE_PREFIX } from '../../../main/core/slim-node/slim-node-protocol.js';

describe('reading a SLIM node run as a utility process', () => {
  it('recognises the ready line', () => {
    expect(readyEndpoint(`${NODE_READY_LINE_PREFIX}unix:///run/kizuna/slim.sock`)).toBe('unix:///run/kizuna/slim.sock');
    expect(readyEndpoint('some log line')).toBeNull();
  });

  it('tells an address in use from other start failures', () => {
    expect(startFailure(3, [], 'unix:///x').code).toBe('NODE_ADDRESS_IN_USE');
    expect(startFailure(2, ['slim node: The address 127.0.0.1:1 is already in use. (os error 98)'], '127.0.0.1:1').code).toBe('NODE_ADDRESS_IN_USE');
    const failed = startFailure(2, ['slim node: The SLIM bindings could not be loaded.'], 'unix:///x');
    expect(failed.code).toBe('NODE_START_FAILED');
    expect(failed.details).toMatchObject({ exitCode: 2, output: ['slim node: The SLIM bindings could not be loaded.'] });
  });

  it('splits output into lines across chunks, without colours, keeping the last ones', () => {
    const lines = new RecentLines(2);
    expect(lines.push('\u001b[32mfirst\u001b[0m li')).toEqual([]);
    expect(lines.push('ne\r\nsecond\n\nthird\npart')).toEqual(['first line', 'second', 'third']);
    expect(lines.all()).toEqual(['second', 'third']);
  });
});
