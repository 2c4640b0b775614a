import { useCallback, useSyncExternalStore } from 'react';

/**
 * Below this width a side panel no longer fits beside a readable chat, so it overlays the chat
 * (responsive.css draws it so; the chat view makes what it covers inert). One constant for both.
 */
export const PANEL_OVERLAY_QUERY = '(max-width: 1099px)';

/** Whether a CSS media query matches now, followed live as the window is resized. */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (listener: () => void) => {
      const media = window.matchMedia(query);
      media.addEventListener('change', listener);
      return () => media.removeEventListener('change', listener);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}
