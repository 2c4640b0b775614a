import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { batchCursor, batchGroup, closeBatchReads, openBatchReads } from '../../../../main/core/ingest/batch-reads.js';
import type { EngineContext } from '../../../../main/core/kernel/engine-context.js';
import { introduce, newUser, tempDir, userId } from '../../../helpers/test-engines.js';

/**
 * The per-batch memo of group rows and cursors (issue 13) on a real store: inside a batch a row is
 * read once; once the batch is closed (it committed) the next read sees what was written since.
 */
describe('reads shared by one batch of content', () => {
  const dir = tempDir('kizuna-batch-reads-');
  let engine: Engine;
  let others: Engine[] = [];
  let ctx: EngineContext;
  let groupId: Uint8Array;
  const sender = new Uint8Array(32).fill(5);

  beforeAll(async () => {
    engine = (await newUser(dir.path, 'alice')).engine;
    others = [(await newUser(dir.path, 'bob')).engine, (await newUser(dir.path, 'carol')).engine];
    introduce(engine, ...others);
    groupId = Buffer.from((await engine.createGroup({ name: 'memo', members: others.map(userId), mode: 'none' })).groupId, 'base64url');
    ctx = (engine as unknown as { ctx: EngineContext }).ctx;
  });
  afterAll(async () => {
    for (const e of [engine, ...others]) await e.close();
    dir.cleanup();
  });

  it('serves a batch the rows as they were when it opened, and reads afresh once it closed', () => {
    const write = ctx.store.write;
    expect(batchCursor(ctx, groupId, sender)).toBeUndefined();
    openBatchReads(ctx);
    const group = batchGroup(ctx, groupId);
    expect(batchCursor(ctx, groupId, sender)).toBeUndefined();
    // Written meanwhile (by the batch's own commit, in the inbox): not seen until the batch closes.
    write.log.startCursor(groupId, sender, 5);
    write.groups.noteActivity(groupId, Date.now() + 60_000, new Uint8Array(32).fill(6), 1);
    expect(batchGroup(ctx, groupId)).toBe(group);
    expect(batchCursor(ctx, groupId, sender)).toBeUndefined();
    closeBatchReads(ctx);
    expect(batchCursor(ctx, groupId, sender)).toMatchObject({ contiguous: 4, firstSeq: 5 });
    expect(batchGroup(ctx, groupId)).not.toBe(group);
    expect(batchGroup(ctx, groupId)?.lastActivityAt).toBeGreaterThan(group?.lastActivityAt ?? Infinity);
  });
});
