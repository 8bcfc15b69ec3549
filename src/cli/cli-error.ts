/**
 * The exit codes of the commands that talk to a gateway (docs/cli.md). Usage is 2, as for every
 * hookgate command; 1 is what the gateway refused or failed.
 */
export const exitCodes = {
  ok: 0,
  /** The gateway answered with an error (invalid filter, conflict, server error). */
  api: 1,
  /** A mistake in the command line. */
  usage: 2,
  /** No gateway answered at --url (refused, timed out, unknown host). */
  unreachable: 3,
  /** No admin token, or the gateway refused it. */
  auth: 4,
  /** No such event, dead letter, destination or job. */
  notFound: 5,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An expected failure: printed as one line, never with a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The command's usage, printed after the line (a usage error). */
    readonly help?: string,
  ) {
    super(message);
  }
}

export const usageError = (message: string, help?: string) =>
  new CliError(message, exitCodes.usage, help);
