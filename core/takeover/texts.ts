/** What the candidate is told when a person joins or leaves their chat (same words on every channel). */
export const takeoverTexts = {
  joined: (name: string) => `${name} from the recruiting team has joined the chat.`,
  left: (name: string) => `${name} has left the chat. I'll take it from here.`,
} as const;
