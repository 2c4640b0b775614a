import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../helpers/test-engines.js';
import { makePng } from './png-fixture.js';
import { fakeCameraArgs, qrPng, writeQrY4m } from './qr-fixture.js';
import { firstRun, launchChromium, openUser, screenshot, type UiUser } from './ui-kit.js';

/**
 * Verifying a contact by scanning their code (issue 11) in Chromium. Alice's camera is Chromium's
 * fake camera playing a video of Bob's real safety-number QR code; pictures go through the file
 * picker: one with no code, one with a code that is not Bob's, one that is no safety number, and
 * (at Bob) a picture of Alice's code. Offline cores: nothing here needs the network.
 */
describe('verify a contact by scanning their QR code', () => {
  let browser: Browser;
  let dir: ReturnType<typeof tempDir>;
  let camera: string;
  let alice: UiUser;
  let bob: UiUser;
  let aliceId = '';
  let bobId = '';

  beforeAll(async () => {
    dir = tempDir('kizuna-ui-');
    camera = join(dir.path, 'camera.y4m');
    // A blank picture until the test knows Bob's number; Chromium opens the file when the camera starts.
    writeQrY4m(camera, null);
    browser = await launchChromium(fakeCameraArgs(camera));
    [alice, bob] = await Promise.all([openUser({ root: dir.path, name: 'alice', browser }), openUser({ root: dir.path, name: 'bob', browser })]);
    await Promise.all([firstRun(alice.page, 'Alice'), firstRun(bob.page, 'Bob')]);
    const [a, b] = await Promise.all([alice.invoke('identity.get', {}), bob.invoke('identity.get', {})]);
    aliceId = (await bob.invoke('contacts.add', { card: a?.card ?? '' })).userId;
    bobId = (await alice.invoke('contacts.add', { card: b?.card ?? '' })).userId;
    // Contacts added behind the page's back show after a reload (the UI adds its own through the form).
    await Promise.all([alice.page.reload(), bob.page.reload()]);
  }, 60_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await screenshot(alice.page, 'failed-scan-alice').catch(() => undefined);
    await screenshot(bob.page, 'failed-scan-bob').catch(() => undefined);
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await browser?.close();
    dir?.cleanup();
  });

  async function openVerify(page: Page, name: string): Promise<void> {
    await page.getByRole('button', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: `Safety number with ${name}` }).click();
    await page.getByTestId('safety-number').waitFor();
  }

  async function isVerified(user: UiUser, userId: string): Promise<boolean | undefined> {
    return (await user.invoke('contacts.list', {})).find((c) => c.userId === userId)?.verified;
  }

  it('refuses pictures without a code, with another number’s code, or with no safety number; does not verify', async () => {
    const a = alice.page;
    await openVerify(a, 'Bob');
    const picture = a.getByLabel('Open a picture');

    await picture.setInputFiles({ name: 'blank.png', mimeType: 'image/png', buffer: makePng(300, 300, [250, 250, 250]) });
    await a.getByRole('alert').getByText(/No QR code could be read in that picture/).waitFor();
    await picture.setInputFiles({ name: 'notes.txt', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
    await a.getByRole('alert').getByText(/No QR code could be read in that picture/).waitFor();

    // A well-formed code that is someone else's number: the clear mismatch warning, and no mark.
    const theirs = await alice.invoke('contacts.safetyNumber', { userId: bobId });
    const other = `kizuna:safety:v1:${[...theirs.digits].map((d) => String((Number(d) + 1) % 10)).join('')}`;
    await picture.setInputFiles({ name: 'other.png', mimeType: 'image/png', buffer: qrPng(other) });
    const mismatch = a.getByRole('alert').getByText(/safety numbers do not match/);
    await mismatch.waitFor();
    await a.getByRole('status').getByText('Bob is not verified yet.').waitFor();
    // Shown with the scan buttons, above the field for typed numbers (which this attempt did not use).
    const [warningBox, fieldBox] = await Promise.all([mismatch.boundingBox(), a.getByLabel('The number or QR text from Bob’s screen').boundingBox()]);
    expect(warningBox?.y ?? Infinity).toBeLessThan(fieldBox?.y ?? -Infinity);
    await screenshot(a, 'scan-mismatch-light');

    // A code that is no safety number at all (say, a web address).
    await picture.setInputFiles({ name: 'link.png', mimeType: 'image/png', buffer: qrPng('https://example.org/') });
    await a.getByRole('alert').getByText(/A safety number is 60 digits/).waitFor();
    // A new attempt replaces the last one's message rather than adding to it.
    await picture.setInputFiles({ name: 'blank-again.png', mimeType: 'image/png', buffer: makePng(64, 64, [0, 0, 0]) });
    await a.getByRole('alert').getByText(/No QR code could be read in that picture/).waitFor();
    expect(await a.getByRole('alert').count()).toBe(1);
    expect(await isVerified(alice, bobId)).toBe(false);
    await a.getByRole('button', { name: 'Close' }).click();
  });

  it('says so when the camera may not be used', async () => {
    // A browser that asks before giving the camera: headless, nobody answers, which refuses it.
    const asking = await launchChromium(['--use-fake-device-for-media-stream']);
    try {
      const a = await (await asking.newContext()).newPage();
      await a.goto(alice.host.url);
      await openVerify(a, 'Bob');
      await a.getByRole('button', { name: 'Scan their code' }).click();
      await a.getByRole('alert').getByText(/Kizuna may not use the camera/).waitFor();
      expect(await a.getByLabel(/Camera: point it at the QR code/).count()).toBe(0);
    } finally {
      await asking.close();
    }
  });

  it('verifies Bob when Alice’s camera sees his code', async () => {
    const a = alice.page;
    await openVerify(a, 'Bob');
    // First the camera sees no code: it keeps looking (video only, no microphone) until stopped.
    await a.getByRole('button', { name: 'Scan their code' }).click();
    const video = a.getByLabel(/Camera: point it at the QR code/);
    // The page's own types (tests are type-checked without the DOM library).
    type Video = { readyState: number; paused: boolean; srcObject: { getVideoTracks(): unknown[]; getAudioTracks(): unknown[] } };
    // readyState 2 is HAVE_CURRENT_DATA: a frame is showing.
    await expect.poll(() => video.evaluate((el) => (el as unknown as Video).readyState >= 2 && !(el as unknown as Video).paused), { timeout: 30_000 }).toBe(true);
    const tracks = await video.evaluate((el) => {
      const stream = (el as unknown as Video).srcObject;
      return { video: stream.getVideoTracks().length, audio: stream.getAudioTracks().length };
    });
    expect(tracks).toEqual({ video: 1, audio: 0 });
    await screenshot(a, 'scan-camera-light');
    await a.getByRole('button', { name: 'Stop the camera' }).click();
    await expect.poll(() => video.count()).toBe(0);
    expect(await isVerified(alice, bobId)).toBe(false);

    // Now it shows Bob's code (Chromium opens the file again when the camera starts).
    const theirs = await alice.invoke('contacts.safetyNumber', { userId: bobId });
    writeQrY4m(camera, theirs.qrPayload);
    await a.getByRole('button', { name: 'Scan their code' }).click();
    await a.getByRole('status').getByText('You verified Bob.').waitFor();
    // The camera is off again once the code was read.
    await expect.poll(() => video.count()).toBe(0);
    expect(await isVerified(alice, bobId)).toBe(true);
    await a.getByRole('button', { name: 'Close' }).click();
    await a.getByRole('list', { name: 'Your contacts' }).getByRole('img', { name: 'Bob is verified' }).waitFor();
  });

  it('verifies Alice when Bob opens a picture of her code', async () => {
    const b = bob.page;
    const theirs = await bob.invoke('contacts.safetyNumber', { userId: aliceId });
    expect(await isVerified(bob, aliceId)).toBe(false);
    await openVerify(b, 'Alice');
    await b.getByLabel('Open a picture').setInputFiles({ name: 'alice-code.png', mimeType: 'image/png', buffer: qrPng(theirs.qrPayload) });
    await b.getByRole('status').getByText('You verified Alice.').waitFor();
    expect(await isVerified(bob, aliceId)).toBe(true);
  });
});
