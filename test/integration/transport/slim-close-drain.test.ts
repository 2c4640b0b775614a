/**
 * close() lets out what was published before it: a one-shot command publishes, sees its outbox
 * marked sent (written to the link) and closes at once. A close that cancelled the stream dropped
 * what grpc-js and HTTP/2 still buffered; here every frame written before close() reaches the
 * subscriber through a real node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { isKizunaError } from '../../../shared/errors/kizuna-error.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { collect, createSlimTestKit } from '../../helpers/slim-test-kit.js';

const kit = createSlimTestKit();
let node: SlimNodeHandle;
beforeAll(async () => {
  node = await kit.startNode();
});
afterAll(() => kit.dispose());

/** Enough bytes that most of them still sit in grpc-js's and HTTP/2's buffers when close() is called. */
const FRAMES = 100;
const FRAME_BYTES = 16 * 1024;

describe('SLIM client close', () => {
  it('delivers every frame published before close() returned, then refuses to publish', async () => {
    const bob = await kit.client(node.endpoint, 'org/ns/drain-bob');
    await bob.subscribe(parseSlimName('org/ns/drain-bob'));
    const inbox = collect(bob);
    const alice = await kit.client(node.endpoint, 'org/ns/drain-alice');
    for (let i = 0; i < FRAMES; i += 1) {
      const frame = new Uint8Array(FRAME_BYTES).fill(i % 251);
      frame.set(new TextEncoder().encode(`#${i}.`));
      alice.publish(parseSlimName('org/ns/drain-bob'), frame);
    }
    await alice.close();
    expect(alice.state).toBe('offline');
    let refused: unknown;
    try {
      alice.publish(parseSlimName('org/ns/drain-bob'), new Uint8Array(1));
    } catch (error) {
      refused = error;
    }
    expect(isKizunaError(refused, 'TRANSPORT_CLOSED')).toBe(true);

    await inbox.until(FRAMES, 30_000);
    const numbers = inbox.messages.map((m) => Number(/^#(\d+)\./.exec(Buffer.from(m.blob.subarray(0, 8)).toString('latin1'))?.[1]));
    expect(numbers).toEqual([...Array(FRAMES).keys()]);
  });
});
