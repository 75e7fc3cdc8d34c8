/** Jest global setup: tests never reach real providers, so refuse to start if proxies or keys leak in. */
export default function globalSetup(): void {
  process.env.TZ = 'UTC';
  delete process.env.OPENAI_API_KEY;
}
