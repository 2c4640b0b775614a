import { afterEach, beforeEach } from 'vitest';
import type { Engine } from '../../main/core/engine/engine.js';
import type { MessageView } from '../../shared/domain/views.js';
import { createWorld, joinedGroup, type TestWorld } from './test-world.js';

/**
 * The removal race's cast (docs/PROTOCOL.md): alice, admin of a sealed group with bob, carol and dave,
 * all joined on a loopback network. Four, because a removal must leave the admin two members.
 */
export interface RemovalRace {
  world: TestWorld;
  alice: Engine;
  bob: Engine;
  carol: Engine;
  dave: Engine;
  g: string;
}

export async function removalRace(): Promise<RemovalRace> {
  const world = await createWorld('alice', 'bob', 'carol', 'dave');
  const [alice, bob, carol, dave] = world.engines as [Engine, Engine, Engine, Engine];
  const g = await joinedGroup(world, alice, [bob, carol, dave], 'sealed');
  return { world, alice, bob, carol, dave, g };
}

/**
 * Bob writes `kept` while everyone is online, then `late` while alice is offline: carol and dave store
 * the late ones, alice does not, so her removal's cutoff (what she holds) leaves them out.
 */
export async function bobWritesPastAlice(r: RemovalRace, kept: string, late: readonly string[]): Promise<{ kept: MessageView; late: MessageView[] }> {
  const keptView = await r.bob.sendText(r.g, kept);
  await r.world.net.settle();
  r.world.net.setOffline(r.alice, true);
  const lateViews: MessageView[] = [];
  for (const text of late) lateViews.push(await r.bob.sendText(r.g, text));
  await r.world.net.settle();
  return { kept: keptView, late: lateViews };
}

/** A fresh removal race for each test of the calling `describe` (closed after it); call the getter inside a test. */
export function removalRaceEachTest(): () => RemovalRace {
  let race: RemovalRace | undefined;
  beforeEach(async () => {
    race = await removalRace();
  });
  afterEach(async () => {
    await race?.world.close();
    race = undefined;
  });
  return () => {
    if (race === undefined) throw new Error('removalRaceEachTest: call the getter inside a test');
    return race;
  };
}
