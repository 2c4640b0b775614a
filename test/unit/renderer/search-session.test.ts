import { describe, expect, it } from 'vitest';
import { SearchSession } from '../../../renderer/features/search/search-session';
import type { MessageView } from '../../../shared/domain/views.js';
import { userId } from '../../helpers/test-engines.js';
import { bobWritesPastAlice, removalRaceEachTest } from '../../helpers/removal-race.js';

/** The pause after typing passes at once: the test waits on answers, not on time. */
const AT_ONCE = { set: (fn: () => void) => fn(), clear: () => undefined };

const texts = (s: SearchSession): string[] | null => s.getSnapshot().results?.map((m) => m.text).sort() ?? null;

/**
 * The search panel open on carol's real core while bob's late messages are retracted (a removal's
 * signed cutoff): they leave the results shown, and an answer searched before the retraction but
 * arriving after it does not bring them back.
 */
describe('the search panel after a cutoff retraction', () => {
  const race = removalRaceEachTest();

  it('drops retracted messages from the results shown and from an answer on its way', async () => {
    const { world, alice, bob, carol, dave, g } = race();
    await bobWritesPastAlice(race(), 'kept porcupine', ['late porcupine one', 'late porcupine two']);

    // Carol's core answers; the second search's answer is held until the test lets it go.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const run = async (text: string): Promise<MessageView[]> => {
      const found = carol.search(text);
      if (text.startsWith('late')) await held;
      return found;
    };
    const session = new SearchSession({ delayMs: 250, run, timer: AT_ONCE });
    const changed = (ok: (s: SearchSession) => boolean): Promise<void> =>
      new Promise((resolve) => {
        const off = session.subscribe(() => ok(session) && (off(), resolve()));
      });
    carol.events.on('messages-retracted', (e) => session.onRetracted(e.messageIds));

    const first = changed((s) => s.getSnapshot().results !== null);
    session.type('porcupine');
    await first;
    expect(texts(session)).toEqual(['kept porcupine', 'late porcupine one', 'late porcupine two']);
    // Searched now, answered after the retraction.
    session.type('late porcupine');
    expect(session.getSnapshot().searching).toBe(true);

    const dropped = changed((s) => s.getSnapshot().results?.length === 1);
    await alice.removeMembers(g, [userId(bob)]);
    world.net.setOffline(alice, false);
    await world.net.settle();
    await dropped;
    expect(texts(session)).toEqual(['kept porcupine']);

    const answered = changed((s) => !s.getSnapshot().searching);
    release();
    await answered;
    expect(texts(session)).toEqual([]);
    // A new search asks the core, which no longer holds them either.
    const again = changed((s) => !s.getSnapshot().searching);
    session.type('porcupine');
    await again;
    expect(texts(session)).toEqual(['kept porcupine']);
    session.stop();
    expect(dave.search('late')).toEqual([]);
  });
});
