import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { userId } from '../../../helpers/test-engines.js';
import { bobWritesPastAlice, removalRaceEachTest } from '../../../helpers/removal-race.js';

/** Rows the search index itself holds for `word` (no catch-up first, no join with the messages). */
function inIndex(e: Engine, word: string): number {
  return (e.store.db.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(`"${word}"`) as { n: number }).n;
}

function pendingRows(e: Engine): number {
  return (e.store.db.prepare('SELECT count(*) AS n FROM search_pending').get() as { n: number }).n;
}

/**
 * A retracted message (a removal's signed cutoff, cutoff-retraction.ts) leaves the search index as
 * it leaves the messages (migration 0013's delete trigger), whether it was indexed already or still
 * pending: search never finds it again, and a later message that takes its row never inherits its
 * words (rowids of the newest rows are reused).
 */
describe('search after a cutoff retraction', () => {
  const race = removalRaceEachTest();

  it('finds the retracted messages no more, in the index or through search', async () => {
    const { world, alice, bob, carol, dave, g } = race();
    const { kept } = await bobWritesPastAlice(race(), 'kept porcupine', ['late porcupine one', 'late porcupine two']);
    // Carol searched meanwhile (her index holds them); dave did not (his may still have them pending).
    expect(carol.search('porcupine').map((m) => m.text).sort()).toEqual(['kept porcupine', 'late porcupine one', 'late porcupine two']);
    expect(inIndex(carol, 'late')).toBe(2);

    const retracted = Promise.all([carol, dave].map((e) => e.events.waitFor('messages-retracted', (r) => r.groupId === g)));
    await alice.removeMembers(g, [userId(bob)]);
    world.net.setOffline(alice, false);
    await world.net.settle();
    await retracted;

    for (const e of [carol, dave]) {
      expect(e.search('porcupine').map((m) => m.id)).toEqual([kept.id]);
      expect(e.search('late')).toEqual([]);
      expect(inIndex(e, 'late')).toBe(0);
      expect(pendingRows(e)).toBe(0);
      // FTS5 checks its index against the messages (throws when they disagree).
      e.store.db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
    }
    // The next message stored takes a freed row: it is found by its own words only.
    const after = await dave.sendText(g, 'after the removal');
    await world.net.settle();
    for (const e of [carol, dave]) {
      expect(e.search('late')).toEqual([]);
      expect(e.search('removal').map((m) => m.id)).toEqual([after.id]);
    }
  });
});
