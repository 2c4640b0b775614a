import type { PersonView } from '../../../shared/domain/views';
import { Avatar } from '../../components/avatar';
import { FieldError } from '../../components/field-error';
import type { FieldProblem } from '../../components/use-field-errors';

/**
 * Checkbox list of people. It is a fieldset so the legend names the group of boxes and the error
 * under it is tied to the whole picker (aria-describedby), which is where member errors belong.
 */
export function MemberPicker({
  id,
  legend,
  hint,
  people,
  selected,
  onChange,
  problem,
}: {
  id: string;
  legend: string;
  hint?: string;
  people: PersonView[];
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  problem: FieldProblem | undefined;
}) {
  const describedBy = [problem === undefined ? undefined : `${id}-error`, hint === undefined ? undefined : `${id}-hint`].filter(Boolean).join(' ');
  return (
    <fieldset className="fieldset member-picker" aria-describedby={describedBy === '' ? undefined : describedBy} aria-invalid={problem === undefined ? undefined : true}>
      <legend>{legend}</legend>
      {hint !== undefined && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <ul className="member-options">
        {people.map((p) => (
          <li key={p.userId}>
            <label className="member-option">
              <input
                type="checkbox"
                checked={selected.has(p.userId)}
                onChange={(e) => {
                  const next = new Set(selected);
                  if (e.target.checked) next.add(p.userId);
                  else next.delete(p.userId);
                  onChange(next);
                }}
              />
              <Avatar id={p.userId} name={p.displayName} size={28} />
              <span>{p.displayName}</span>
            </label>
          </li>
        ))}
      </ul>
      <FieldError id={`${id}-error`} problem={problem} />
    </fieldset>
  );
}
