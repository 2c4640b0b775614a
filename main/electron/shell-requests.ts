/**
 * Routes the app window's requests: the few that are about the shell itself are answered here
 * (validated by the contract like every other), everything else goes to the core worker. Also
 * tells the shell the settings the core confirmed, so notifications follow the user's choice.
 * No Electron import: unit-tested against a real core.
 */
import { toKizunaError } from '../../shared/errors/kizuna-error.js';
import type { IpcResult, Settings } from '../../shared/ipc/ipc-contract.js';
import { parseRequest } from '../../shared/ipc/request-validation.js';
import { settingsSchema } from '../../shared/ipc/settings-schemas.js';
import type { CoreWorker } from '../host/worker/core-worker.js';

export interface ShellRequestHandlers {
  /** The renderer shows this chat now (null: none). */
  openChat(groupId: string | null): void;
  /** The core stored new settings (after settings.set). */
  settingsChanged(settings: Settings): void;
}

export type RequestRoute = (name: unknown, input: unknown) => Promise<IpcResult<unknown>>;

export function routeShellRequests(worker: Pick<CoreWorker, 'invoke'>, shell: ShellRequestHandlers): RequestRoute {
  return async (name, input) => {
    if (name === 'ui.setOpenChat') {
      try {
        const request = parseRequest(name, input);
        if (request.name === 'ui.setOpenChat') shell.openChat(request.input.groupId);
        return { ok: true, value: null };
      } catch (err) {
        return { ok: false, error: toKizunaError(err).toJSON() };
      }
    }
    const result = await worker.invoke(name, input);
    if (result.ok && name === 'settings.set') {
      const settings = settingsSchema.safeParse(result.value);
      if (settings.success) shell.settingsChanged(settings.data);
    }
    return result;
  };
}
