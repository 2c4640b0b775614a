import { z } from 'zod';

/**
 * Schemas for everything Kizuna decodes from the wire. protobuf gives us shapes; these give us
 * guarantees (key lengths, bounds, safe integers) before the engine trusts a value.
 */
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, "expected bytes");
const key32 = bytes.refine((b) => b.byteLength === 32, 'expected 32 bytes');
const optionalKey32 = bytes.refine((b) => b.byteLength === 0 || b.byteLength === 32, 'expected 0 or 32 bytes');
const uint = z.number().int().nonnegative().refine(Number.isSafeInteger, 'integer too large');

export const MAX_ENVELOPE_BYTES = 1024 * 1024;
const MAX_BODY_BYTES = MAX_ENVELOPE_BYTES - 1024;

const encryptionModeSchema = z.enum(['MLS', 'SEALED', 'NONE']);
export const envelopeTypeSchema = z.enum([
  'MESSAGE', 'GROUP_UPDATE', 'LEAVE', 'TYPING', 'INVITE', 'JOIN', 'DECLINE', 'WELCOME',
  'SECRET_REQUEST', 'SECRET_REPLY', 'ACK', 'SYNC_REQUEST', 'SYNC_REPLY', 'HEARTBEAT', 'DISCOVERY_REQUEST', 'DISCOVERY_REPLY',
]);
export type EnvelopeType = z.infer<typeof envelopeTypeSchema>;

export const envelopeSchema = z.object({
  version: z.literal(1),
  groupId: key32,
  epoch: uint,
  sender: key32,
  seq: uint,
  type: envelopeTypeSchema,
  sentAt: uint,
  body: bytes.refine((b) => b.byteLength <= MAX_BODY_BYTES, 'body too large'),
  recipient: optionalKey32,
  nonce: bytes.refine((b) => b.byteLength <= 32, 'nonce too long'),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export const signedEnvelopeSchema = z.object({
  envelope: bytes.refine((b) => b.byteLength > 0),
  signature: bytes.refine((b) => b.byteLength === 64, 'expected a 64-byte signature'),
});

const memberSchema = z.object({
  userId: key32,
  boxKey: key32,
  displayName: z.string().max(256),
  slimName: z.string().max(512),
});
export type WireMember = z.infer<typeof memberSchema>;

const versionKindSchema = z.enum([
  'CREATE', 'ADD_MEMBERS', 'REMOVE_MEMBERS', 'RENAME', 'SET_AVATAR', 'CLOSE', 'MEMBER_LEFT', 'MEMBER_DECLINED', 'ROTATE_KEYS',
]);
export type VersionKind = z.infer<typeof versionKindSchema>;

const senderMarkSchema = z.object({ sender: key32, seq: uint });
export type SenderMark = z.infer<typeof senderMarkSchema>;

export const groupVersionSchema = z.object({
  groupId: optionalKey32,
  version: uint,
  kind: versionKindSchema,
  name: z.string().max(1024),
  creator: memberSchema,
  createdAt: uint,
  updatedAt: uint,
  members: z.array(memberSchema).max(10_000),
  mode: encryptionModeSchema,
  avatar: bytes.refine((b) => b.byteLength <= 256 * 1024, 'avatar too large'),
  avatarMime: z.string().max(64),
  prevHash: optionalKey32,
  epoch: uint,
  secretCommitment: optionalKey32,
  nonce: bytes.refine((b) => b.byteLength <= 32),
  affected: z.array(key32).max(10_000),
  cutoffs: z.array(senderMarkSchema).max(10_000),
  direct: z.boolean(),
});
export type GroupVersion = z.infer<typeof groupVersionSchema>;

export const signedGroupVersionSchema = z.object({
  version: bytes.refine((b) => b.byteLength > 0),
  signature: bytes.refine((b) => b.byteLength === 64, 'expected a 64-byte signature'),
});
export type SignedGroupVersion = z.infer<typeof signedGroupVersionSchema>;

const sealedSecretSchema = z.object({ userId: key32, epoch: uint, box: bytes.refine((b) => b.byteLength === 80, 'expected an 80-byte sealed box') });
export type SealedSecret = z.infer<typeof sealedSecretSchema>;

/** Identity tokens are JWTs or shared-secret tokens; anything longer is refused before decoding. */
const MAX_IDENTITY_TOKEN_CHARS = 16 * 1024;
const memberTokenSchema = z.object({ userId: key32, token: z.string().min(1).max(MAX_IDENTITY_TOKEN_CHARS), verifiedAt: uint });
export type MemberToken = z.infer<typeof memberTokenSchema>;

export const groupUpdateSchema = z.object({
  // protobuf gives null for an absent sub-message
  version: signedGroupVersionSchema.nullish().transform((v) => v ?? undefined),
  secrets: z.array(sealedSecretSchema).max(10_000),
  mlsCommit: bytes,
  mlsEpoch: uint,
  memberTokens: z.array(memberTokenSchema).max(1000),
});
export type GroupUpdate = z.infer<typeof groupUpdateSchema>;

export const inviteSchema = z.object({
  chain: z.array(signedGroupVersionSchema).min(1).max(100_000),
  secrets: z.array(sealedSecretSchema).max(16),
});

export const joinSchema = z.object({
  version: uint,
  keyPackage: bytes.refine((b) => b.byteLength <= 16 * 1024),
  identityToken: z.string().max(MAX_IDENTITY_TOKEN_CHARS),
});

export const declineSchema = z.object({ version: uint });

export const welcomeSchema = z.object({
  chain: z.array(signedGroupVersionSchema).min(1).max(100_000),
  mlsWelcome: bytes,
  mlsRatchetTree: bytes,
  mlsEpoch: uint,
  marks: z.array(senderMarkSchema).max(10_000),
  memberTokens: z.array(memberTokenSchema).max(10_000),
});

export const secretRequestSchema = z.object({ epochs: z.array(uint).min(1).max(1000) });
export const secretReplySchema = z.object({ secrets: z.array(sealedSecretSchema).min(1).max(1000) });

export const MAX_TEXT_CHARS = 64 * 1024;
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
export const FILE_CHUNK_BYTES = 256 * 1024;

const fileOfferSchema = z.object({
  // Bounded here; what a name may be (1 to 255 characters, no path) is the file-offer rule (`file-offer-invalid`).
  name: z.string().max(4096),
  size: uint.refine((n) => n <= MAX_FILE_BYTES, 'file too large'),
  mime: z.string().max(255),
  hash: key32,
  chunkCount: uint,
  chunkSize: uint.refine((n) => n > 0 && n <= FILE_CHUNK_BYTES),
  caption: z.string().max(MAX_TEXT_CHARS),
});

export const contentSchema = z.object({
  text: z.object({ text: z.string().max(MAX_TEXT_CHARS) }).optional(),
  file: fileOfferSchema.optional(),
  fileChunk: z.object({ fileHash: key32, index: uint, data: bytes.refine((b) => b.byteLength <= FILE_CHUNK_BYTES) }).optional(),
  receipt: z.object({ messageIds: z.array(key32).min(1).max(1000), readAt: uint }).optional(),
  pin: z.object({ messageId: key32 }).optional(),
  unpin: z.object({ messageId: key32 }).optional(),
  typing: z.object({ typing: z.boolean() }).optional(),
  kind: z.enum(['text', 'file', 'fileChunk', 'receipt', 'pin', 'unpin', 'typing']),
  replyTo: optionalKey32,
});
export type Content = z.infer<typeof contentSchema>;

export const ackSchema = z.object({ envelopeIds: z.array(key32).min(1).max(4096) });
export const syncRequestSchema = z.object({ have: z.array(senderMarkSchema).max(10_000), anyone: z.boolean() });
export const syncReplySchema = z.object({
  envelopes: z.array(bytes.refine((b) => b.byteLength <= MAX_ENVELOPE_BYTES)).max(4096),
  marks: z.array(senderMarkSchema).max(10_000),
  more: z.boolean(),
  skipTo: z.array(senderMarkSchema).max(10_000),
});
export const heartbeatSchema = z.object({ ownSeq: uint, have: z.array(senderMarkSchema).max(10_000) });
export const discoveryReplySchema = z.object({ card: z.string().min(1).max(8192), identityToken: z.string().max(8192).default('') });

export const contactCardSchema = z.object({
  version: z.literal(1),
  displayName: z.string().min(1).max(64),
  signKey: key32,
  boxKey: key32,
  slimName: z.string().min(5).max(512),
  createdAt: uint,
});
export type ContactCardData = z.infer<typeof contactCardSchema>;

export const signedContactCardSchema = z.object({
  card: bytes.refine((b) => b.byteLength > 0 && b.byteLength <= 4096),
  signature: bytes.refine((b) => b.byteLength === 64),
});
