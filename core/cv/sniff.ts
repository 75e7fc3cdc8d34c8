/** The CV formats Parley reads. */
export type CvFormat = 'pdf' | 'docx';

export const CV_MIME: Record<CvFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export const CV_EXTENSION: Record<CvFormat, string> = { pdf: '.pdf', docx: '.docx' };

/** The provider ref prefix of a CV uploaded from the web chat (already sniffed and stored). */
export const WEBCHAT_CV_REF = 'webchat-cv:';

/** 5 MB: a CV of a few pages with a photo fits; anything larger is not a CV. */
export const MAX_CV_BYTES = 5 * 1024 * 1024;

const PDF_MAGIC = Buffer.from('%PDF-');
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const DOCX_PART = Buffer.from('word/document.xml');

/**
 * The CV format of some bytes, read from the bytes and never from a file name or a declared type:
 * a PDF starts with `%PDF-` (within the first KB, as readers allow), a DOCX is a ZIP holding
 * `word/document.xml` (part names are stored uncompressed in the ZIP's headers). Undefined for
 * anything else, including a spreadsheet or a renamed image.
 *
 * @example
 * sniffCv(readFileSync('cv.pdf')) // 'pdf'
 */
export function sniffCv(data: Buffer): CvFormat | undefined {
  const head = data.subarray(0, 1024);
  if (head.indexOf(PDF_MAGIC) !== -1) return 'pdf';
  if (data.subarray(0, 4).equals(ZIP_MAGIC) && data.indexOf(DOCX_PART) !== -1) return 'docx';
  return undefined;
}

/** Whether a declared type names a CV format (the bytes decide later). */
export function looksLikeCvMime(mime: string | undefined): boolean {
  const m = (mime ?? '').split(';')[0]!.trim().toLowerCase();
  return m === CV_MIME.pdf || m === CV_MIME.docx || m === 'application/msword' || m === 'application/x-pdf';
}
