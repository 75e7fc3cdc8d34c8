/**
 * The module format (native ESM, SWC transform) must load every library later issues need,
 * ESM-only (Agenda 6, Baileys 7, LangChain) and CommonJS (grammY, botbuilder, twilio) alike.
 */
import { describe, expect, it } from '@jest/globals';

describe('toolchain', () => {
  it.each([
    ['agenda', 'Agenda'],
    ['grammy', 'Bot'],
    ['@whiskeysockets/baileys', 'makeWASocket'],
    ['botbuilder', 'CloudAdapter'],
    ['@langchain/openai', 'ChatOpenAI'],
    ['twilio', 'validateRequest'],
    ['bullmq', 'Queue'],
    ['better-sqlite3', 'default'],
  ])('imports %s', async (pkg, exportName) => {
    const mod = (await import(pkg)) as Record<string, unknown>;
    const ns = (exportName in mod ? mod : (mod.default as Record<string, unknown>)) ?? {};
    expect(ns[exportName] ?? mod[exportName]).toBeDefined();
  });
});
