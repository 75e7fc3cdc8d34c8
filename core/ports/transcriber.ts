export interface AudioInput {
  data: Buffer;
  mime: string;
  filename?: string;
}

export interface Transcript {
  text: string;
  language?: string;
  confidence?: number;
  durationSec?: number;
}

/** Speech to text for voice notes. */
export interface Transcriber {
  readonly name: string;
  transcribe(audio: AudioInput): Promise<Transcript>;
}
