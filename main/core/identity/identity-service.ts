import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { formatSlimName, parseSlimName } from '../../../shared/domain/slim-name.js';
import type { IdentityView } from '../../../shared/domain/views.js';
import { generateBoxKeyPair } from '../crypto/box.js';
import { generateSigningKeyPair } from '../crypto/signing.js';
import { toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { contactLink, createContactCard } from './contact-card.js';
import { validateDisplayName } from './display-name.js';
import type { SelfKeys } from '../crypto/self-keys.js';

const SIGN_LABEL = 'identity.sign_secret';
const BOX_LABEL = 'identity.box_secret';

/** Default SLIM name: org and namespace from config, agent derived from the identity key. */
function defaultSlimName(userId: Uint8Array, org = 'kizuna', namespace = 'users'): string {
  return formatSlimName(parseSlimName(`${org}/${namespace}/u-${Buffer.from(userId.subarray(0, 12)).toString('hex')}`));
}

/** Loads the stored identity into memory (unsealing its secret keys), if there is one. */
export function loadIdentity(ctx: EngineContext): SelfKeys | undefined {
  const row = ctx.store.read.identity.get();
  if (row === undefined) return undefined;
  const keys: SelfKeys = {
    userId: row.signPublic,
    signPublic: row.signPublic,
    signSecret: ctx.store.cipher.open(SIGN_LABEL, row.signSecretSealed),
    boxPublic: row.boxPublic,
    boxSecret: ctx.store.cipher.open(BOX_LABEL, row.boxSecretSealed),
    displayName: row.displayName,
    slimName: row.slimName,
    createdAt: row.createdAt,
  };
  ctx.setSelf(keys);
  return keys;
}

export interface CreateIdentityInput {
  displayName: string;
  /** org/namespace/agent; default kizuna/users/u-<key prefix>. */
  slimName?: string;
  slimOrg?: string;
  slimNamespace?: string;
}

export function createIdentity(ctx: EngineContext, input: CreateIdentityInput): IdentityView {
  if (ctx.hasSelf() || ctx.store.read.identity.get() !== undefined) throw new KizunaError('IDENTITY_EXISTS');
  const displayName = validateDisplayName(input.displayName);
  const sign = generateSigningKeyPair();
  const box = generateBoxKeyPair();
  const slimName =
    input.slimName !== undefined ? formatSlimName(parseSlimName(input.slimName)) : defaultSlimName(sign.publicKey, input.slimOrg, input.slimNamespace);
  const now = ctx.now();
  const keys: SelfKeys = {
    userId: sign.publicKey,
    signPublic: sign.publicKey,
    signSecret: sign.secretKey,
    boxPublic: box.publicKey,
    boxSecret: box.secretKey,
    displayName,
    slimName,
    createdAt: now,
  };
  storeIdentity(ctx, keys);
  return identityView(keys);
}

/** Writes an identity (new or restored) and makes it the engine's. */
export function storeIdentity(ctx: EngineContext, keys: SelfKeys): void {
  if (ctx.hasSelf() || ctx.store.read.identity.get() !== undefined) throw new KizunaError('IDENTITY_EXISTS');
  ctx.store.transaction(() => {
    ctx.store.write.identity.insert({
      signPublic: keys.signPublic,
      signSecretSealed: ctx.store.cipher.seal(SIGN_LABEL, keys.signSecret),
      boxPublic: keys.boxPublic,
      boxSecretSealed: ctx.store.cipher.seal(BOX_LABEL, keys.boxSecret),
      displayName: keys.displayName,
      slimName: keys.slimName,
      createdAt: keys.createdAt,
    });
    // We are a person in our own people table, so group member lists can join on it.
    ctx.store.write.people.upsert(
      { userId: keys.userId, boxPublic: keys.boxPublic, displayName: keys.displayName, slimName: keys.slimName },
      ctx.now(),
    );
  });
  ctx.setSelf(keys);
}

/**
 * Views already built, per keys object. Building one signs a contact card, and the identity is read
 * on every resubscribe and discovery answer; keys are never changed in place (a rename makes new ones).
 */
const views = new WeakMap<SelfKeys, IdentityView>();

export function identityView(self: SelfKeys): IdentityView {
  let view = views.get(self);
  if (view === undefined) {
    const card = createContactCard(self);
    view = Object.freeze({
      userId: toBase64Url(self.userId),
      displayName: self.displayName,
      slimName: self.slimName,
      card,
      cardLink: contactLink(card),
      createdAt: self.createdAt,
    });
    views.set(self, view);
  }
  return view;
}

export function getIdentity(ctx: EngineContext): IdentityView | null {
  return ctx.hasSelf() ? identityView(ctx.self()) : null;
}

export function renameSelf(ctx: EngineContext, displayName: string): IdentityView {
  const self = ctx.self();
  const name = validateDisplayName(displayName);
  ctx.store.transaction(() => {
    ctx.store.write.identity.setDisplayName(name);
    ctx.store.write.people.upsert({ userId: self.userId, boxPublic: self.boxPublic, displayName: name, slimName: self.slimName }, ctx.now());
  });
  const next = { ...self, displayName: name };
  ctx.setSelf(next);
  return identityView(next);
}
