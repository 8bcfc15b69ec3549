import { signOut, token } from "./session.js";
/** An answer of the admin API that is not a success: its stable code and message. */
export class ApiError extends Error {
    status;
    code;
    constructor(status, code, message) {
        super(message);
        this.status = status;
        this.code = code;
    }
}
export function withQuery(path, query = {}) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
        if (v !== undefined && v !== '')
            params.set(k, String(v));
    const text = params.toString();
    return text === '' ? path : `${path}?${text}`;
}
/** The headers of every admin call: the token from this tab's session. */
export function authHeaders() {
    const value = token();
    if (value === null)
        throw new ApiError(401, 'UNAUTHORIZED', 'Not signed in.');
    return { authorization: `Bearer ${value}` };
}
/** A 401 means the token is wrong or gone: back to the sign-in form. */
export function checkAuthorized(status) {
    if (status === 401) {
        signOut();
        throw new ApiError(401, 'UNAUTHORIZED', 'The admin token was refused.');
    }
}
async function call(method, path, body, signal) {
    const headers = authHeaders();
    if (body !== undefined)
        headers['content-type'] = 'application/json';
    const init = { method, headers, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined)
        init.body = JSON.stringify(body);
    if (signal)
        init.signal = signal;
    const res = await fetch(path, init);
    checkAuthorized(res.status);
    const json = (await res.json().catch(() => null));
    if (!res.ok || json === null || json.success !== true)
        throw new ApiError(res.status, json?.error?.code ?? 'HTTP_ERROR', json?.error?.message ?? `The gateway answered ${res.status}.`);
    return json.data;
}
/** The admin API, and nothing else: every call carries the Bearer token. */
export const api = {
    get: (path, query, signal) => call('GET', withQuery(path, query), undefined, signal),
    post: (path, body = {}, signal) => call('POST', path, body, signal),
};
