/**
 * The admin token lives in this tab's sessionStorage only: never in a URL, a cookie or
 * localStorage, and it is gone when the tab closes.
 */
const key = 'hookgate.adminToken';
const listeners = new Set<() => void>();

export function token(): string | null {
  return sessionStorage.getItem(key);
}

export function signIn(value: string): void {
  sessionStorage.setItem(key, value);
}

/** Forgets the token and tells the app (it shows the sign-in form). */
export function signOut(): void {
  sessionStorage.removeItem(key);
  for (const l of listeners) l();
}

export function onSignOut(listener: () => void): void {
  listeners.add(listener);
}
