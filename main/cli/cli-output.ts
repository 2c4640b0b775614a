import type { GroupView, MessageView, PersonView, SafetyNumberView } from '../../shared/domain/views.js';

/** How the CLI prints things: one line per item, stable enough to grep. */
export function printLine(text: string): void {
  process.stdout.write(text + '\n');
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString();
}

export function printGroup(g: GroupView): void {
  const members = g.members
    .map((m) => {
      const verified = m.verifiedIdentity === undefined || m.verifiedIdentity === null ? '' : ` <${m.verifiedIdentity.subject} @ ${m.verifiedIdentity.issuer}>`;
      return `${m.displayName}${m.role === 'admin' ? '*' : ''}${m.status === 'invited' ? '?' : ''}${verified}`;
    })
    .join(', ');
  printLine(`${g.groupId}  ${g.name}  [${g.direct ? 'direct, ' : ''}${g.mode}, epoch ${g.epoch}, ${g.myState}]  ${members}`);
}

/** A message's text, with its file (name, size, whether it is still arriving) before any caption. */
export function messageBody(m: MessageView): string {
  return m.file === null ? m.text : `[file ${m.file.name}, ${m.file.size} bytes${m.file.available ? '' : ', arriving'}] ${m.text}`.trimEnd();
}

export function printMessage(m: MessageView): void {
  printLine(`${formatTime(m.sentAt)}  ${m.senderName}: ${messageBody(m)}${m.isMine ? `  (${m.sendState})` : ''}`);
}

export function printPerson(p: PersonView): void {
  const mark = p.verified === true ? '  verified' : (p.keyChangedAt ?? null) !== null ? '  safety number changed' : '';
  printLine(`${p.userId}  ${p.displayName}  ${p.slimName}  ${p.contactState}${mark}`);
}

/** A safety number as people read it aloud: three lines of four groups, then what it means. */
export function printSafetyNumber(n: SafetyNumberView): void {
  printLine(`Safety number with ${n.displayName}:`);
  for (let i = 0; i < n.groups.length; i += 4) printLine(`  ${n.groups.slice(i, i + 4).join(' ')}`);
  if (n.keyChangedAt !== null) printLine(`${n.displayName}'s safety number changed. Verify again.`);
  printLine(
    n.verified
      ? 'Verified: the number matched.'
      : `Not verified. Compare it with ${n.displayName}'s screen; if it is the same, run: kizuna contact verify ${n.userId} --match "<their number>"`,
  );
}
