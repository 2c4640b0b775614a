/**
 * Child process for the session benchmark: reads length-prefixed envelopes from a file and
 * publishes them to a SLIM channel at a fixed rate with its own grpc-js client, like a busy group
 * would. Prints "done <sent> <seconds>" when finished.
 */
import { readFileSync } from 'node:fs';
import { parseSlimName } from '../../shared/domain/slim-name.js';
import { KIZUNA_PAYLOAD_TYPE } from '../../main/core/session/session-options.js';
import { SlimClient } from '../../main/core/transport/slim-client.js';
import { FANOUT_ALL } from '../../main/core/transport/slim-wire-enums.js';

const [endpoint, channel, file, rateText] = process.argv.slice(2);
const rate = Number(rateText);
const data = readFileSync(file as string);
const envelopes: Uint8Array[] = [];
for (let offset = 0; offset < data.length; ) {
  const len = data.readUInt32BE(offset);
  envelopes.push(data.subarray(offset + 4, offset + 4 + len));
  offset += 4 + len;
}
const client = new SlimClient({ endpoint: endpoint as string, localName: parseSlimName('bench/load/publisher') });
await client.connect({ timeoutMs: 10_000 });
const destination = parseSlimName(channel as string);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const start = performance.now();
let sent = 0;
while (sent < envelopes.length) {
  const due = Math.min(envelopes.length, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
  while (sent < due) {
    if (!client.publish(destination, envelopes[sent] as Uint8Array, { payloadType: KIZUNA_PAYLOAD_TYPE, fanout: FANOUT_ALL })) {
      await new Promise<void>((r) => client.once('drain', () => r()));
    }
    sent++;
  }
  await new Promise((r) => setTimeout(r, 2));
}
process.stdout.write(`done ${sent} ${((performance.now() - start) / 1000).toFixed(3)}\n`);
await client.close();
process.exit(0);
