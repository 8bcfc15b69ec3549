/**
 * The admin token lives in this tab's sessionStorage only: never in a URL, a cookie or
 * localStorage, and it is gone when the tab closes.
 */
const key = 'hookgate.adminToken';
const listeners = new Set();
export function token() {
    return sessionStorage.getItem(key);
}
export function signIn(value) {
    sessionStorage.setItem(key, value);
}
/** Forgets the token and tells the app (it shows the sign-in form). */
export function signOut() {
    sessionStorage.removeItem(key);
    for (const l of listeners)
        l();
}
export function onSignOut(listener) {
    listeners.add(listener);
}
