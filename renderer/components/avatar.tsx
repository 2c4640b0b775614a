/** A round picture for a group or a person: the uploaded image, or initials on a colour derived from the id. */
function hue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
  return h;
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => w.length > 0);
  const letters = words.length >= 2 ? [...(words[0] ?? '')][0] + ([...(words[1] ?? '')][0] ?? '') : [...(words[0] ?? '?')].slice(0, 2).join('');
  return letters.toUpperCase();
}

export function Avatar({
  id,
  name,
  image,
  size = 40,
}: {
  id: string;
  name: string;
  image?: { mime: string; base64: string } | null;
  size?: number;
}) {
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4) };
  if (image !== null && image !== undefined) {
    return <img className="avatar" style={style} src={`data:${image.mime};base64,${image.base64}`} alt="" />;
  }
  return (
    <span className="avatar avatar-initials" style={{ ...style, ['--avatar-hue' as string]: hue(id) }} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
