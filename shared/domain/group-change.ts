/** What a signed group version changed, as a line in the chat's timeline (UI, SDK events, `kizuna listen`). */
export type GroupChangeKind = 'created' | 'added' | 'removed' | 'left' | 'declined' | 'renamed' | 'picture' | 'keys-renewed' | 'deleted';

export interface GroupChangePerson {
  userId: string;
  displayName: string;
}

export interface GroupChangeView {
  groupId: string;
  /** The group version that made the change (one line per version). */
  version: number;
  kind: GroupChangeKind;
  /** Who signed it: the admin (a leave or decline is recorded by the admin, for the person in `people`). */
  by: GroupChangePerson;
  /** Whom it concerns: added, removed, left or declined. Empty for the other kinds. */
  people: GroupChangePerson[];
  /** The group's name after the change (the new name for `renamed`). */
  name: string;
  at: number;
}
