import { useEffect, useState } from 'react';
import type { GroupChangeView } from '../../../shared/domain/group-change';
import { call, subscribe } from '../../api/kizuna-client';

/** A chat's group changes (joins, leaves, renames, …), oldest first: its history, then each new one as it happens. */
export function useGroupChanges(groupId: string): GroupChangeView[] {
  const [changes, setChanges] = useState<GroupChangeView[]>([]);
  useEffect(() => {
    let live = true;
    const add = (c: GroupChangeView): void =>
      setChanges((prev) => (prev.some((p) => p.version === c.version) ? prev : [...prev, c].sort((a, b) => a.version - b.version)));
    setChanges([]);
    const off = subscribe('group-change', (c) => {
      if (c.groupId === groupId) add(c);
    });
    void call('groups.changes', { groupId })
      .then((all) => {
        if (live) for (const c of all) add(c);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      off();
    };
  }, [groupId]);
  return changes;
}
