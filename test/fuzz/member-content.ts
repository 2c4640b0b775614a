import fc from 'fast-check';
import type { Engine } from '../../main/core/engine/engine.js';
import { engineContextOf } from '../../main/core/engine/engine-internals.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { sealBody } from '../../main/core/encryption/content-crypto.js';
import { buildEnvelope, type BuiltEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { ctxDeps } from '../../main/core/messages/message-send.js';
import type { EnvelopeType } from '../../main/core/wire/wire-schemas.js';
import { FILE_CHUNK_BYTES, MAX_TEXT_CHARS } from '../../main/core/wire/wire-schemas.js';

/** A group's or user's id (base64url) as bytes. */
export const idBytesOf = (text: string): Uint8Array => fromBase64Url(text) as Uint8Array;

/**
 * What a hostile member can send: any content bytes, encrypted and signed validly with its own keys
 * in the group's mode (real libsodium or ts-mls), at its next sequence number (or 0 for TYPING).
 * The member's own engine is only used for its keys and its MLS state; nothing is queued or shown.
 */
export async function memberEnvelope(
  member: Engine,
  groupId: string,
  plaintext: Uint8Array,
  opts: { type?: EnvelopeType; seq?: number } = {},
): Promise<BuiltEnvelope> {
  const type = opts.type ?? 'MESSAGE';
  const ctx = engineContextOf(member);
  const g = idBytesOf(groupId);
  const group = ctx.store.read.groups.get(g);
  if (group === undefined) throw new Error('the member does not know the group');
  // A chosen number (far ahead) does not take the member's next one.
  const seq = type !== 'MESSAGE' ? 0 : (opts.seq ?? ctx.store.write.log.takeOwnSeq(g));
  const sentAt = ctx.now();
  const sealed = await sealBody(ctxDeps(ctx), group, type, seq, sentAt, plaintext);
  sealed.persist();
  return buildEnvelope(ctx.self(), { groupId: g, epoch: sealed.epoch, type, seq, sentAt, body: sealed.body });
}

/** Numbers at the edges: 0, around 2^31 and 2^32, the largest safe integer. */
const edgyUint = fc.oneof(fc.nat(), fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER));
/** Ids and hashes: usually 32 bytes, sometimes not. */
const idBytes = fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) });
/** Text that looks like what people type, and text that does not (control characters, blanks, long). */
const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\t\n', '\u0000', 'a\u0085b', '../etc/passwd', 'C:\\x', '.', '..', 'x'.repeat(256), 'y'.repeat(MAX_TEXT_CHARS + 1)),
);
const mimes = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('image/png', 'text/html', 'image/svg+xml', 'application/octet-stream', 'IMAGE/PNG', ''));

/** Arbitrary objects of every content kind, encoded as the wire's Content (bounds and types may be off). */
export const anyContentObject: fc.Arbitrary<object> = fc.oneof(
  fc.record({ text: fc.record({ text: anyText }), replyTo: fc.option(idBytes, { nil: undefined }) }, { requiredKeys: ['text'] }),
  fc.record({
    file: fc.record({
      name: anyText,
      size: edgyUint,
      mime: mimes,
      hash: idBytes,
      chunkCount: edgyUint,
      chunkSize: fc.oneof(edgyUint, fc.constant(FILE_CHUNK_BYTES)),
      caption: anyText,
    }),
  }),
  fc.record({ fileChunk: fc.record({ fileHash: idBytes, index: edgyUint, data: fc.uint8Array({ maxLength: 64 }) }) }),
  fc.record({ receipt: fc.record({ messageIds: fc.array(idBytes, { maxLength: 4 }), readAt: edgyUint }) }),
  fc.record({ pin: fc.record({ messageId: idBytes }) }),
  fc.record({ unpin: fc.record({ messageId: idBytes }) }),
  fc.record({ typing: fc.record({ typing: fc.boolean() }) }),
  fc.constant({}),
);
