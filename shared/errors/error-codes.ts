/**
 * Every error the engine can report, by code. The UI maps codes to its own words and languages;
 * the CLI prints the sentence. Add a code here (with a sentence a person understands) before throwing it.
 */
export const ERROR_SENTENCES = {
  // Input and schemas
  INVALID_INPUT: 'The request was not in the expected form.',
  INVALID_CONTACT_CARD: 'This contact card is not valid. Ask your contact to copy it again.',
  INVALID_CONFIG: 'The configuration is not valid.',
  INVALID_SLIM_NAME: 'A SLIM name has three parts: organisation/namespace/agent.',
  PASSPHRASE_TOO_SHORT: 'Choose a passphrase of at least 8 characters.',
  CONTACT_CARD_TOO_LARGE: 'This contact card is too long to be a Kizuna card (at most 16 KiB). Ask your contact to copy it again.',
  NODE_ADDRESS_INVALID: 'A SLIM node address is host:port, http://host:port or unix:///path/to/socket.',

  // Store and local keys
  STORE_WRONG_KEY: 'The local key does not open this database. Check your passphrase or key file.',
  STORE_KEY_MISSING: 'No local key is available to open the encrypted store.',
  STORE_CORRUPT: 'The local database is damaged and cannot be read.',
  STORE_NEWER_SCHEMA: 'This database was written by a newer version of Kizuna.',
  KEY_PROVIDER_FAILED: 'The local key could not be read from its provider.',
  PROFILE_IN_USE: 'This profile is open in another Kizuna process; close it there first.',
  STORAGE_FULL: 'The disk holding your profile is full. Free some space; Kizuna keeps what it has and saves again once there is room.',
  STORAGE_READ_ONLY: 'Kizuna cannot write to your profile folder (it is read-only or not yours). Check the disk and the folder permissions.',
  STORAGE_BUSY: 'Another program is holding the local database locked. Close it (or wait) and try again.',
  PROFILE_NOT_FOUND: 'There is no Kizuna profile in this folder yet.',
  KEY_PROVIDER_INSECURE: 'The system keyring would keep the local key in plain text; use a passphrase instead.',

  // Identity
  IDENTITY_EXISTS: 'An identity already exists in this profile.',
  IDENTITY_MISSING: 'Create an identity first.',
  DISPLAY_NAME_INVALID: 'A display name must be 1 to 64 characters long.',
  IDENTITY_FILE_INVALID: 'This identity file cannot be restored.',

  // Contacts
  CONTACT_ALREADY_ADDED: 'This person is already in your contacts.',
  CONTACT_NOT_FOUND: 'This person is not in your contacts.',
  CONTACT_ALREADY_BLOCKED: 'This person is already blocked.',
  CONTACT_NOT_BLOCKED: 'This person is not blocked.',
  CONTACT_IS_SELF: 'You cannot add or block yourself.',
  CONTACT_BLOCKED: 'Blocked people cannot be added to a group.',
  SAFETY_NUMBER_MISMATCH: 'The safety numbers do not match: the keys you hold for this person are not the ones they hold. Do not mark them verified; compare again in person.',
  SAFETY_NUMBER_INVALID: 'A safety number is 60 digits (12 groups of 5), or the text of its QR code.',

  // Groups
  GROUP_NAME_EMPTY: 'A group name cannot be empty.',
  GROUP_NAME_TOO_LONG: 'A group name can be at most 50 characters long.',
  GROUP_NAME_UNCHANGED: 'The new group name is the same as the current one.',
  GROUP_TOO_FEW_MEMBERS: 'A group needs at least two members besides its creator.',
  GROUP_CREATOR_IN_MEMBERS: 'The creator of a group is not listed among its members.',
  GROUP_DUPLICATE_MEMBERS: 'The same person is listed more than once.',
  GROUP_MEMBERS_EMPTY: 'Choose at least one member.',
  GROUP_REMOVE_BELOW_MINIMUM: 'A group keeps at least two members besides its admin, and this removal would leave fewer. Delete the group instead, or add someone first.',
  GROUP_DIRECT_ONE_MEMBER: 'A direct chat is with exactly one other person.',
  GROUP_DIRECT_MEMBERS_FIXED: 'No one can be added to or removed from a direct chat; start a group for more people, or delete this chat.',
  GROUP_ALREADY_MEMBER: 'This person is already a member of the group.',
  GROUP_NOT_MEMBER: 'This person is not a member of the group.',
  GROUP_NOT_FOUND: 'This group does not exist on this device.',
  GROUP_CLOSED: 'This group has been deleted by its admin.',
  GROUP_LEFT: 'You are no longer a member of this group.',
  NOT_GROUP_ADMIN: 'Only the group admin can do this.',
  ADMIN_CANNOT_LEAVE: 'The admin cannot leave the group; delete it instead.',
  RETRY_POLICY_INVALID: 'Retries must be a whole number from 0 to 100, and the retry interval from 0.1 seconds to 10 minutes.',
  GROUP_AVATAR_INVALID: 'A group picture must be a PNG, JPEG or WebP image of at most 256 KiB.',
  GROUP_VERSION_INVALID: 'A group update was not valid.',
  GROUP_BUSY: 'Another change to this group is still being applied.',
  ENCRYPTION_MODE_INVALID: 'The encryption mode must be mls, sealed or none.',

  // Invitations
  INVITATION_NOT_FOUND: 'This invitation does not exist or was already answered.',
  INVITATION_STALE: 'This invitation is no longer valid.',

  // Messages and files
  MESSAGE_EMPTY: 'A message cannot be empty.',
  MESSAGE_TOO_LONG: 'A message can be at most 64 KiB of text.',
  MESSAGE_NOT_FOUND: 'This message does not exist on this device.',
  FILE_TOO_LARGE: 'A file can be at most 100 MiB.',
  FILE_NAME_INVALID: 'A file name must be 1 to 255 characters and contain no path separators.',
  FILE_NOT_AVAILABLE: 'The contents of this file are not on this device yet.',
  FILE_HASH_MISMATCH: 'The received file does not match its announced hash.',
  PAGE_SIZE_INVALID: 'A page must hold between 1 and 500 messages.',
  SEND_NOT_RETRYABLE: 'Only a failed message can be sent again.',
  SEND_NOT_CANCELLABLE: 'Only a pending message can be cancelled.',
  SEND_REFUSED: 'This message was written after you were removed from the group, so every member refuses it; it cannot be sent again.',
  SEARCH_QUERY_INVALID: 'The search text is empty or not valid.',

  // Crypto and envelopes
  ENVELOPE_MALFORMED: 'A received message could not be decoded.',
  ENVELOPE_TOO_LARGE: 'A received message is larger than allowed.',
  ENVELOPE_BAD_SIGNATURE: 'A received message has an invalid signature.',
  ENVELOPE_NOT_MEMBER: 'A received message came from someone who is not a member.',
  ENVELOPE_REPLAY: 'A received message was a replay of an earlier one.',
  ENVELOPE_UNKNOWN_GROUP: 'A received message belongs to an unknown group.',
  ENVELOPE_WRONG_EPOCH: 'A received message belongs to an epoch this device cannot read.',
  DECRYPT_FAILED: 'A received message could not be decrypted.',
  SECRET_MISSING: 'The key for this part of the conversation has not arrived yet.',
  MLS_ERROR: 'The group encryption layer refused an operation.',
  MLS_COMMIT_REJECTED: 'A change to the group encryption was refused.',
  KEY_PACKAGE_INVALID: 'A key package was not valid.',
  MLS_WELCOME_NOT_FOR_US: 'This invitation to an encrypted group was meant for another device or key.',

  // Network and node
  NODE_ADDRESS_IN_USE: 'The SLIM node address is already in use.',
  NODE_START_FAILED: 'The local SLIM node could not be started.',
  NODE_UNREACHABLE: 'The SLIM node cannot be reached.',
  TRANSPORT_CLOSED: 'The connection to the SLIM node is closed.',
  SUBSCRIBE_FAILED: 'The SLIM node refused a subscription.',
  AUTH_FAILED: 'The SLIM node refused the credentials.',
  TIMEOUT: 'The operation took too long.',
  DELIVERY_FAILED: 'The message could not be delivered after all retries.',

  // Identity tokens (JWT, shared secret)
  TOKEN_EXPIRED: 'The identity token has expired.',
  TOKEN_NOT_YET_VALID: 'The identity token is not valid yet.',
  TOKEN_BAD_SIGNATURE: 'The identity token signature is not valid.',
  TOKEN_WRONG_AUDIENCE: 'The identity token was issued for another audience.',
  TOKEN_WRONG_ISSUER: 'The identity token was issued by an unexpected issuer.',
  TOKEN_WRONG_SUBJECT: 'The identity token names an unexpected subject.',
  TOKEN_MALFORMED: 'The identity token is not well formed.',
  TOKEN_KEY_MISMATCH: 'The identity token belongs to a different key.',
  TOKEN_MISSING: 'An identity token is required but none was given.',
  SHARED_SECRET_TOO_SHORT: 'A shared secret must be at least 32 bytes long.',

  // Controller
  CHANNEL_NOT_FOUND: 'No channel with this id exists.',
  NODE_NOT_FOUND: 'No node with this id is known.',
  PARTICIPANT_EXISTS: 'This participant is already in the channel.',
  PARTICIPANT_NOT_FOUND: 'This participant is not in the channel.',
  CHANNEL_EXISTS: 'A channel with this id already exists.',
  CONNECTION_EXISTS: 'This node already has a connection with this id.',
  CONNECTION_NOT_FOUND: 'No connection with this id reaches this node.',
  CONNECTION_CONFIG_INVALID: 'The connection configuration must be a JSON object with an "endpoint".',
  SUBSCRIPTION_EXISTS: 'This node already routes this name over this connection.',
  SUBSCRIPTION_NOT_FOUND: 'No subscription with this id exists on this node.',
  MODERATOR_UNAVAILABLE: 'The controller has no channel moderator to carry this out.',
  NODE_COMMAND_FAILED: 'The SLIM node could not apply the configuration.',
  CONTROLLER_AUTH_REQUIRED: 'A controller reachable from other machines needs authentication: start it with --auth FILE (tokens and TLS).',
  CONTROLLER_UNAUTHENTICATED: 'The controller refused the call: no valid token was presented.',
  CONTROLLER_FORBIDDEN: 'The controller refused the call: this token may not do that.',
  DISCOVERY_UNVERIFIED: 'Someone answered for this name, but nothing proves it is them: check their key and confirm, or add their contact card.',
  NODE_ID_TAKEN: 'This node id belongs to another identity; the controller refused the registration.',

  // Hosts (desktop worker, browser host)
  HOST_UNAVAILABLE: 'The Kizuna core is not running, or the connection to it was lost.',
  HOST_FORBIDDEN: 'This page is not allowed to talk to Kizuna.',

  // Generic
  NOT_FOUND: 'Not found.',
  CANCELLED: 'The operation was cancelled.',
  INTERNAL: 'Something went wrong inside Kizuna.',
} as const;

export type ErrorCode = keyof typeof ERROR_SENTENCES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_SENTENCES, value);
}
