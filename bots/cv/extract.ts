import type { CvFormat } from '../../core/cv/index.js';

/** A CV file Parley could not read (damaged, encrypted): the candidate is asked for another copy. */
export class CvUnreadableError extends Error {
  readonly code = 'CV_UNREADABLE';
  constructor(format: CvFormat, options?: { cause?: unknown }) {
    super(`could not read the ${format.toUpperCase()} file`, options);
    this.name = 'CvUnreadableError';
  }
}

/**
 * The text of a CV, offline: PDF through `unpdf` (a PDF.js build for servers), DOCX through
 * `mammoth`'s raw text. Each library is loaded on the first CV, not at start-up.
 *
 * @example
 * await extractCvText('pdf', readFileSync('cv.pdf')) // 'Ana Lima\nBackend engineer ...'
 */
export async function extractCvText(format: CvFormat, data: Buffer): Promise<string> {
  try {
    if (format === 'pdf') {
      const { extractText, getDocumentProxy } = await import('unpdf');
      const pdf = await getDocumentProxy(new Uint8Array(data));
      const { text } = await extractText(pdf, { mergePages: true });
      return text;
    }
    const mammoth = await import('mammoth');
    return (await mammoth.extractRawText({ buffer: data })).value;
  } catch (err) {
    throw new CvUnreadableError(format, { cause: err });
  }
}
