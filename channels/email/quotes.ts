/**
 * Only what the candidate wrote in this mail: quoted history (Gmail's and Apple Mail's
 * "On … wrote:", Outlook's header block or "Original Message" line, `>` lines) and the
 * signature ("-- ", "Sent from my iPhone", "Get Outlook for …") are cut. Pure.
 *
 * @example
 * newText('Yes, I agree.\n\nOn Mon, 30 Nov 2026 at 10:00, Acme <jobs@acme.example> wrote:\n> Do you agree?')
 * // 'Yes, I agree.'
 */
export function newText(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? '';
    if (startsHistory(line, next, lines.slice(i + 1, i + 6)) || isSignatureStart(line)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

function startsHistory(line: string, next: string, after: string[]): boolean {
  const t = line.trim();
  // Gmail / Apple Mail, sometimes wrapped over two lines: "On <date>, <name> <addr>\nwrote:".
  // (German puts the verb before the sender: "Am …, um 10:02 Uhr schrieb Acme <…>:".)
  if (/^(On|Le|Am|El|Il|Op)\s.+\s(wrote|a écrit|schrieb|escribió|ha scritto|schreef)(\s.*)?:$/i.test(t)) return true;
  if (/^(On|Le|Am|El|Il|Op)\s.+/.test(t) && /^(wrote|a écrit|schrieb|escribió|ha scritto|schreef)\s*:$/i.test(next.trim())) return true;
  // Outlook: "-----Original Message-----", or a rule / "From:" header block with Sent/Date and To/Subject.
  if (/^-{2,}\s*(Original Message|Forwarded message|Ursprüngliche Nachricht)\s*-{2,}$/i.test(t)) return true;
  // Outlook's rule above the header block (underscores in text, <hr> as dashes once HTML became text).
  if (/^(_{10,}|-{20,})$/.test(t)) return true;
  if (/^\*?From:\*?\s/i.test(t) && after.some((l) => /^\*?(Sent|Date):\*?\s/i.test(l.trim())) && after.some((l) => /^\*?(To|Subject):\*?\s/i.test(l.trim()))) return true;
  return false;
}

function isSignatureStart(line: string): boolean {
  const t = line.trimEnd();
  return t === '-- ' || t === '--' || /^(Sent from my (iPhone|iPad|Android|Galaxy|mobile)|Sent from (Mail|Outlook) for|Get Outlook for (iOS|Android))/i.test(t.trim());
}
