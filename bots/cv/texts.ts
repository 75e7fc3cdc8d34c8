/** What the bot says about CVs (English; the i18n catalogues may take these over). */
export const cvTexts = {
  read: (skills: readonly string[], years: number | undefined) =>
    `Thanks, I've read your CV.${skills.length ? ` I found: ${skills.join(', ')}.` : " I couldn't find the technical skills I know in it, but our recruiters will read it."}${years ? ` About ${years} year${years === 1 ? '' : 's'} of experience.` : ''}`,
  suggest: (skills: readonly string[], roleTitle: string) => `Your CV looks like a ${skills.slice(0, 3).join(', ')} profile: apply for ${roleTitle}?`,
  otherRole: 'Another role',
  notACv: "That file doesn't look like a PDF or Word (.docx) document, so I couldn't read it. Could you send your CV as a PDF or DOCX?",
  tooLarge: (mb: number) => `That file is larger than ${mb} MB. Could you send a smaller PDF or DOCX of your CV?`,
  unreadable: "Sorry, I couldn't read that CV (it may be damaged or password-protected). Could you send it again as a PDF or DOCX?",
  unavailable: "Sorry, I couldn't download that file. Could you send it again?",
  noCv: 'Send me your CV (PDF or DOCX) and I can tell you how it matches the role.',
  noRole: 'Tell me which role you are applying for first, then ask /cv again.',
  feedbackHead: (roleTitle: string) => `Your CV for ${roleTitle}:`,
  shows: (skills: readonly string[]) => `It shows: ${skills.join(', ')}.`,
  lacks: (skills: readonly string[]) => `It doesn't mention: ${skills.join(', ')}. If you have experience there, add it to your CV.`,
  allShown: 'It covers every skill this role asks about.',
} as const;
