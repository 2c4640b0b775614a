/** ANSI colour sequences (ESC [ … m) that the node may print despite NO_COLOR: stripped so its lines read well in logs and errors. */
// eslint-disable-next-line no-control-regex
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

export function stripAnsiColours(text: string): string {
  return text.replace(ANSI_COLOUR, '');
}
