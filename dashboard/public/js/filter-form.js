import { h } from "./dom.js";
import { field } from "./page.js";
import { navigate } from "./router.js";
/** The filters in the page's URL query (a view to share). */
export function filterFromUrl(specs) {
    const params = new URLSearchParams(location.search);
    const out = {};
    for (const { name } of specs) {
        const v = params.get(name);
        if (v)
            out[name] = v;
    }
    return out;
}
/** A form of the filters; submitting puts them in the URL query of `path` (and reloads the page). */
export function filterForm(specs, current, path, submit) {
    const inputs = specs.map((spec) => {
        const input = spec.choices
            ? h('select', { name: spec.name }, spec.choices.map(([value, label]) => h('option', { value }, label)))
            : h('input', { name: spec.name, type: 'search' });
        input.value = current[spec.name] ?? '';
        return input;
    });
    return h('form', { class: 'filters', role: 'search' }, [
        ...specs.map((spec, i) => field(spec.label, inputs[i])),
        h('button', { type: 'submit' }, submit),
    ], {
        submit: (e) => {
            e.preventDefault();
            const params = new URLSearchParams();
            for (const input of inputs)
                if (input.value)
                    params.set(input.name, input.value);
            const query = params.toString();
            navigate(`${path}${query ? `?${query}` : ''}`);
        },
    });
}
