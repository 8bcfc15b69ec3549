import { colorsFor } from './terminal.ts';

/**
 * A progress bar on a terminal (one line redrawn), or a plain line each time the count moves
 * when the output is a file or a pipe (a log keeps every step, no carriage returns).
 */
export class ProgressBar {
  private last = '';
  private readonly tty: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(done: number, total: number, note = ''): void {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const percent = `${Math.floor(share * 100)}%`.padStart(4);
    if (!this.tty) {
      const line = `${this.label}: ${done}/${total} ${percent.trim()}${note ? ` ${note}` : ''}`;
      if (line !== this.last) this.stream.write(`${line}\n`);
      this.last = line;
      return;
    }
    const c = colorsFor(this.stream);
    const width = 30;
    const filled = Math.round(share * width);
    const bar = `${c.green('█'.repeat(filled))}${'░'.repeat(width - filled)}`;
    this.stream.write(
      `\r${this.label} ${bar} ${percent} ${done}/${total}${note ? ` ${note}` : ''}\u001b[K`,
    );
  }

  finish(): void {
    if (this.tty) this.stream.write('\n');
  }
}
