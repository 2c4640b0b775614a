import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openProfile, tempDir, testProfile } from '../helpers/test-engines.js';
import { firstRun, launchChromium, openUser, screenshot, type UiUser } from './ui-kit.js';

/**
 * Verified contacts (issue 11) in Chromium: two profiles swap cards, open the safety number, compare
 * it, mark each other verified and see the mark; then someone else's key takes Bob's SLIM name and
 * Alice's chat with Bob warns until she acknowledges it. Offline cores: nothing here needs the network.
 */
describe('verified contacts through the UI', () => {
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let alice: UiUser;
  let bob: UiUser;

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    browser = await launchChromium();
    [alice, bob] = await Promise.all([openUser({ root: dir.path, name: 'alice', browser }), openUser({ root: dir.path, name: 'bob', browser })]);
    await Promise.all([firstRun(alice.page, 'Alice'), firstRun(bob.page, 'Bob')]);
  }, 60_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await screenshot(alice.page, 'failed-verify-alice').catch(() => undefined);
    await screenshot(bob.page, 'failed-verify-bob').catch(() => undefined);
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await browser?.close();
    dir?.cleanup();
  });

  async function addCard(page: Page, card: string, name: string): Promise<void> {
    await page.getByRole('button', { name: 'Contacts' }).click();
    await page.getByLabel('Contact card or kizuna:// link').fill(card);
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('list', { name: 'Your contacts' }).getByText(name, { exact: true }).first().waitFor();
  }

  async function shownNumber(page: Page, name: string): Promise<string> {
    await page.getByRole('button', { name: `Safety number with ${name}` }).click();
    const digits = page.getByTestId('safety-number');
    await digits.waitFor();
    return ((await digits.locator('span').allTextContents()) as string[]).join(' ');
  }

  it('swaps cards, compares safety numbers, marks verified, and shows the mark', async () => {
    const a = alice.page;
    const b = bob.page;
    const [aliceId, bobId] = await Promise.all([alice.invoke('identity.get', {}), bob.invoke('identity.get', {})]);
    await addCard(a, bobId?.card ?? '', 'Bob');
    await addCard(b, aliceId?.card ?? '', 'Alice');
    // Contacts show names and whether they are verified, never a SLIM name.
    await expect.poll(() => a.getByRole('list', { name: 'Your contacts' }).textContent()).not.toMatch(/kizuna\/users/);

    const atAlice = await shownNumber(a, 'Bob');
    const atBob = await shownNumber(b, 'Alice');
    expect(atAlice).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(atBob).toBe(atAlice);
    const qr = a.getByRole('img', { name: 'QR code of the safety number with Bob' });
    expect(await qr.getAttribute('data-qr-text')).toBe(`kizuna:safety:v1:${atAlice.replaceAll(' ', '')}`);
    expect(await qr.locator('path').getAttribute('d')).toMatch(/^M\d/);
    await screenshot(a, 'safety-number-light');
    await a.emulateMedia({ colorScheme: 'dark' });
    await screenshot(a, 'safety-number-dark');
    await a.emulateMedia({ colorScheme: 'light' });

    // A number that is not Bob's is refused; Bob's (as pasted from his screen) verifies him.
    const field = a.getByLabel('The number or QR text from Bob’s screen');
    await field.fill('12345 '.repeat(12));
    await a.getByRole('button', { name: 'Compare' }).click();
    await a.getByRole('alert').getByText(/safety numbers do not match/).waitFor();
    await field.fill(atBob);
    await a.getByRole('button', { name: 'Compare' }).click();
    await a.getByRole('status').getByText('You verified Bob.').waitFor();
    await a.getByRole('button', { name: 'Close' }).click();
    // Bob compared by eye and says they match.
    await b.getByRole('button', { name: 'They match: mark as verified' }).click();
    await b.getByRole('status').getByText('You verified Alice.').waitFor();
    await b.getByRole('button', { name: 'Close' }).click();

    await a.getByRole('list', { name: 'Your contacts' }).getByRole('img', { name: 'Bob is verified' }).waitFor();
    await b.getByRole('list', { name: 'Your contacts' }).getByRole('img', { name: 'Alice is verified' }).waitFor();
    await screenshot(a, 'contacts-verified-light');
    await a.emulateMedia({ colorScheme: 'dark' });
    await screenshot(a, 'contacts-verified-dark');
    await a.emulateMedia({ colorScheme: 'light' });

    // The mark in the direct chat's header and its member list; no crypto words in the header.
    await alice.invoke('groups.create', { name: '', members: [bobId?.userId ?? ''], direct: true });
    await a.getByRole('button', { name: 'Chats' }).click();
    await a.locator('.group-list-item, [data-group-id]').filter({ hasText: 'Bob' }).first().click();
    const header = a.locator('.chat-header');
    await header.getByRole('img', { name: 'Bob is verified' }).waitFor();
    expect(await header.textContent()).not.toMatch(/epoch|version/i);
    await a.getByRole('button', { name: 'Group details' }).click();
    const details = a.getByRole('complementary', { name: 'Group details' });
    await details.getByRole('img', { name: 'Bob is verified' }).waitFor();
    await a.getByRole('button', { name: 'Group details' }).click();
  });

  it('warns in the chat when a verified contact’s key changes, until acknowledged', async () => {
    const a = alice.page;
    const bobId = await bob.invoke('identity.get', {});
    // Someone else (a reinstall, or an impostor) now presents Bob's name and SLIM name with another key.
    const other = await openProfile(testProfile(dir.path, 'bob-again'));
    other.createIdentity({ displayName: 'Bob', slimName: bobId?.slimName ?? '' });
    const card = other.getIdentity()?.card ?? '';
    await other.close();
    await alice.invoke('contacts.add', { card });

    await a.getByRole('button', { name: 'Chats' }).click();
    const warning = a.getByRole('alert').filter({ hasText: /Bob.s safety number changed\. Verify again\./ });
    await warning.waitFor();
    await expect.poll(() => a.locator('.chat-header').getByRole('img', { name: 'Bob is verified' }).count()).toBe(0);
    await screenshot(a, 'key-changed-light');
    await a.emulateMedia({ colorScheme: 'dark' });
    await screenshot(a, 'key-changed-dark');
    await a.emulateMedia({ colorScheme: 'light' });

    await warning.getByRole('button', { name: 'Dismiss the warning about Bob' }).click();
    await expect.poll(() => warning.count()).toBe(0);
    const contacts = await alice.invoke('contacts.list', {});
    expect(contacts.find((c) => c.userId === bobId?.userId)).toMatchObject({ verified: false, keyChangedAt: null });
  });
});
