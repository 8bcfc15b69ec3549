import { h } from './dom.ts';
import { field } from './page.ts';
import { navigate } from './router.ts';

/** A filter's name (as the admin API and the page's URL query call it), its label, its choices. */
export interface FilterSpec {
  readonly name: string;
  readonly label: string;
  /** A select's choices as [value, label]; absent: free text. */
  readonly choices?: readonly (readonly [string, string])[];
}

/** The filters in the page's URL query (a view to share). */
export function filterFromUrl(specs: readonly FilterSpec[]): Record<string, string> {
  const params = new URLSearchParams(location.search);
  const out: Record<string, string> = {};
  for (const { name } of specs) {
    const v = params.get(name);
    if (v) out[name] = v;
  }
  return out;
}

/** A form of the filters; submitting puts them in the URL query of `path` (and reloads the page). */
export function filterForm(
  specs: readonly FilterSpec[],
  current: Readonly<Record<string, string>>,
  path: string,
  submit: string,
): HTMLFormElement {
  const inputs = specs.map((spec) => {
    const input = spec.choices
      ? h(
          'select',
          { name: spec.name },
          spec.choices.map(([value, label]) => h('option', { value }, label)),
        )
      : h('input', { name: spec.name, type: 'search' });
    input.value = current[spec.name] ?? '';
    return input;
  });
  return h(
    'form',
    { class: 'filters', role: 'search' },
    [
      ...specs.map((spec, i) => field(spec.label, inputs[i] as HTMLElement)),
      h('button', { type: 'submit' }, submit),
    ],
    {
      submit: (e) => {
        e.preventDefault();
        const params = new URLSearchParams();
        for (const input of inputs) if (input.value) params.set(input.name, input.value);
        const query = params.toString();
        navigate(`${path}${query ? `?${query}` : ''}`);
      },
    },
  );
}
