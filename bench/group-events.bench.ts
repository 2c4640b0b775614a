/**
 * What the core's group events cost to carry to a UI, in a group of 1,000 members: the `group` event's whole
 * view against the `group-activity` event a stored message now sends, and the `presence` event a member
 * heard from (or gone quiet) now sends. In the desktop app every event is cloned twice on its way (the core's
 * worker thread to the main process, the main process to the renderer); the figures are that: building the
 * payload where there is one to build, the presence marks a host adds to a view, and two structured clones.
 *
 * Run: npm run bench -- group-events   (KIZUNA_BENCH_EVENT_MEMBERS changes the group's size)
 */
import { groupActivityOf } from '../main/core/groups/group-view-of.js';
import type { GroupActivityView, GroupView } from '../shared/domain/views.js';
import { growGroupTo } from './lib/grown-group.js';
import { threeInGroup } from './lib/three-in-group.js';
import { report, type BenchRow } from './lib/report.js';

const MEMBERS = Number(process.env['KIZUNA_BENCH_EVENT_MEMBERS'] ?? 1000);
const ROUNDS = 300;

/** Mean µs of `step` over ROUNDS, after as many rounds to warm up. */
function micros(step: () => void): number {
  for (let i = 0; i < ROUNDS; i++) step();
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) step();
  return ((performance.now() - started) * 1000) / ROUNDS;
}

/** Across the two bridges (worker to main, main to renderer), as Electron's IPC and postMessage clone it. */
function carried<T>(payload: T): T {
  return structuredClone(structuredClone(payload));
}

const bytes = (payload: unknown): number => Buffer.byteLength(JSON.stringify(payload));

const { dir, alice, bob, carol, groupId } = await threeInGroup('kizuna-bench-', 'events', 'none');
const id = Buffer.from(groupId, 'base64url');
growGroupTo(alice, groupId, MEMBERS);

const activityOut = alice.events.waitFor('group-activity', (a) => a.groupId === groupId);
await alice.sendText(groupId, 'a message that moves the group’s last message and activity');
const activity: GroupActivityView = await activityOut;
const view: GroupView = alice.getGroup(groupId);
const presence = { groupId, userId: view.members[1]?.userId ?? '', online: true };

// What a host sent per message (and per presence change) before: the view, with every member marked online or not.
const wholeView = micros(() => {
  const g = alice.getGroup(groupId);
  carried({ ...g, members: g.members.map((m) => ({ ...m, online: false })) });
});
const activityCarried = micros(() => {
  const row = alice.store.read.groups.get(id);
  if (row !== undefined) carried(groupActivityOf(alice.store.read, row));
});
const presenceCarried = micros(() => carried(presence));

for (const e of [alice, bob, carol]) await e.close();
dir.cleanup();

const rows: BenchRow[] = [
  { name: `group view, ${MEMBERS} members: size`, value: bytes(view), unit: 'bytes' },
  { name: `group view, ${MEMBERS} members: built, marked, carried`, value: wholeView, unit: 'µs' },
  { name: 'group-activity: size', value: bytes(activity), unit: 'bytes' },
  { name: 'group-activity: built, carried', value: activityCarried, unit: 'µs' },
  { name: 'presence: size', value: bytes(presence), unit: 'bytes' },
  { name: 'presence: carried', value: presenceCarried, unit: 'µs' },
  { name: 'per message: view / activity', value: wholeView / activityCarried, unit: '×' },
  // Coming online in the group brings one change per other member heard from; going offline as many at once.
  { name: `coming online among ${MEMBERS}: as views`, value: ((MEMBERS - 1) * wholeView) / 1000, unit: 'ms' },
  { name: `coming online among ${MEMBERS}: as presence events`, value: ((MEMBERS - 1) * presenceCarried) / 1000, unit: 'ms' },
];
report('group-events', rows);
