/**
 * Kizuna's mark: two linked rings (絆, "bond"). Drawn as SVG rather than the kanji so that it
 * renders the same on machines without a CJK font.
 */
export function Logo({ size = 40, className }: { size?: number; className?: string }) {
  return (
    <span className={className === undefined ? 'logo' : `logo ${className}`} style={{ width: size, height: size }} aria-hidden="true">
      <svg width={size * 0.62} height={size * 0.62} viewBox="0 0 32 32" fill="none" stroke="currentColor" strokeWidth={3.2} strokeLinecap="round">
        <circle cx="12" cy="16" r="7.5" />
        <path d="M20 8.6a7.5 7.5 0 110 14.8" />
        <path d="M16.2 12.3a7.5 7.5 0 013.8-3.7" opacity="0.55" />
      </svg>
    </span>
  );
}
