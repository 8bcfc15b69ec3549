import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * JSON logs. Nothing logs headers or secrets on purpose; the redaction is the safety net for
 * a future line that would.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hookgate' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["stripe-signature"]',
          'req.headers["x-hub-signature-256"]',
          'req.headers["x-hub-signature"]',
          'req.headers["webhook-signature"]',
          'req.headers["svix-signature"]',
          'headers.authorization',
          'secret',
          'secrets',
          '*.secret',
          '*.secrets',
          '*.signingSecret',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
