/** Header names whose values are credentials: never stored, never logged, never a key. */
const credential = /authorization|cookie|signature|token|secret|api-?key|password/i;

export function isCredentialHeader(name: string): boolean {
  return credential.test(name);
}
