import type Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearGroupsCaches, groupsCaches, type GroupMemberRecord, type GroupsReader, type GroupsWriter } from '../../../../main/core/store/tables/groups-table.js';
import { openGroupsTable } from '../../../helpers/groups-table-fixture.js';

const id = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const G = id(1);
const OTHER_G = id(2);
const ALICE = id(9);
const BOB = id(8);
const CAROL = id(7);
const record = (userId: Uint8Array, displayName: string): GroupMemberRecord => ({ userId, boxPublic: id(100), displayName, slimName: `org/ns/${displayName}` });

/**
 * Issue 13: a group's member list is read for every sent message (is anyone left to send to), every
 * group view and every batch of acks. The store keeps it between writes; each writer that changes a
 * member or the name it is shown by must drop it, or a removed member would still be sent to.
 */
describe("a group's member list kept between writes", () => {
  let db: Database.Database;
  let read: GroupsReader;
  let write: GroupsWriter;
  const caches = groupsCaches();
  const names = (groupId = G): string[] => read.members(groupId).map((m) => `${m.displayName}:${m.status}`);

  beforeEach(() => {
    ({ db, read, write } = openGroupsTable(caches));
    for (const g of [G, OTHER_G]) {
      db.prepare(
        `INSERT INTO groups (group_id, mode, creator, created_at, name, latest_version, epoch, my_state, last_activity_at, unread_count, last_read_at)
         VALUES (?, 'none', ?, 0, 'g', 1, 0, 'joined', 0, 0, 0)`,
      ).run(g, ALICE);
      write.recordMembers(g, [record(ALICE, 'alice'), record(BOB, 'bob'), record(CAROL, 'carol')], 1);
      write.replaceMembers(g, [
        { userId: ALICE, role: 'admin', status: 'joined', sinceVersion: 1 },
        { userId: BOB, role: 'member', status: 'invited', sinceVersion: 1 },
        { userId: CAROL, role: 'member', status: 'invited', sinceVersion: 1 },
      ]);
    }
  });
  afterEach(() => db.close());

  it('reads the list once between writes', () => {
    const first = read.members(G);
    expect(names()).toEqual(['alice:joined', 'bob:invited', 'carol:invited']);
    expect(read.members(G)).toBe(first);
    // A write that changes nothing (every received message sets a status it already has) keeps it.
    write.setMemberStatus(G, ALICE, 'joined');
    expect(read.members(G)).toBe(first);
  });

  it('shows a status change, a rename and a removal at once, and only in the group they touched', () => {
    expect(names()).toEqual(['alice:joined', 'bob:invited', 'carol:invited']);
    const other = read.members(OTHER_G);

    write.setMemberStatus(G, BOB, 'joined');
    expect(names()).toEqual(['alice:joined', 'bob:joined', 'carol:invited']);
    expect(read.members(OTHER_G)).toBe(other);

    // Renamed in a later version: shown by the new name, in the new order.
    write.recordMembers(G, [record(BOB, 'zed')], 2);
    expect(names()).toEqual(['alice:joined', 'carol:invited', 'zed:joined']);

    write.replaceMembers(G, [
      { userId: ALICE, role: 'admin', status: 'joined', sinceVersion: 1 },
      { userId: CAROL, role: 'member', status: 'invited', sinceVersion: 1 },
    ]);
    expect(names()).toEqual(['alice:joined', 'carol:invited']);
    expect(names(OTHER_G)).toEqual(['alice:joined', 'bob:invited', 'carol:invited']);
  });

  it('is read again after the caches are dropped (a rolled-back transaction drops them all)', () => {
    const first = read.members(G);
    db.prepare('UPDATE group_members SET status = ? WHERE group_id = ? AND user_id = ?').run('joined', G, CAROL);
    expect(read.members(G)).toBe(first);
    clearGroupsCaches(caches);
    expect(names()).toEqual(['alice:joined', 'bob:invited', 'carol:joined']);
  });
});
