import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Turns a report's HTML into PDF. */
export interface PdfRenderer {
  render(html: Buffer): Promise<Buffer>;
}

/**
 * Prints the same HTML to PDF with Debian's Chromium (`/usr/bin/chromium`, installed with apt in the image and in
 * CI — never a downloaded browser), headless, through its command line: no npm browser driver is needed at run time.
 * The document is opened from a private temporary directory with networking refused; one print at a time per
 * process, since a Chromium takes a few hundred MB.
 */
export class ChromiumPdfRenderer implements PdfRenderer {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly executable = '/usr/bin/chromium',
    private readonly timeoutMs = 90_000,
  ) {}

  render(html: Buffer): Promise<Buffer> {
    const run = this.queue.then(() => this.print(html));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async print(html: Buffer): Promise<Buffer> {
    const dir = await mkdtemp(join(tmpdir(), 'matpunkt-pdf-'));
    try {
      const input = join(dir, 'report.html');
      const output = join(dir, 'report.pdf');
      await writeFile(input, html);
      await new Promise<void>((resolve, reject) => {
        execFile(
          this.executable,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-extensions',
            '--no-first-run',
            '--no-default-browser-check',
            '--disable-background-networking',
            '--proxy-server=127.0.0.1:9',
            '--proxy-bypass-list=<-loopback>',
            '--no-pdf-header-footer',
            `--user-data-dir=${join(dir, 'profile')}`,
            `--print-to-pdf=${output}`,
            `file://${input}`,
          ],
          { timeout: this.timeoutMs, env: { HOME: dir, PATH: '/usr/bin:/bin' } },
          (error) => (error ? reject(new Error(`chromium could not print the report: ${error.message}`)) : resolve()),
        );
      });
      const pdf = await readFile(output);
      if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('chromium wrote no PDF');
      return pdf;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
