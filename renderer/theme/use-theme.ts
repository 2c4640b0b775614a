import { useEffect, useSyncExternalStore } from 'react';

export type ThemeSetting = 'system' | 'light' | 'dark';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeToSystem(listener: () => void): () => void {
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener('change', listener);
  return () => media.removeEventListener('change', listener);
}

/**
 * Applies the theme to <html data-theme> (the CSS variables hang off it): the user's choice from
 * settings, or the system's, followed live when the system switches.
 */
export function useTheme(setting: ThemeSetting | undefined): 'light' | 'dark' {
  const systemDark = useSyncExternalStore(subscribeToSystem, () => window.matchMedia(DARK_QUERY).matches);
  const resolved = setting === 'light' || setting === 'dark' ? setting : systemDark ? 'dark' : 'light';
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
    document.documentElement.style.colorScheme = resolved;
  }, [resolved]);
  return resolved;
}
