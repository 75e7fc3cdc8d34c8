import { PLUGINS, type PluginModule } from '../../bin/plugins/index.js';
import { createWhatsappPlugin, type WhatsappPluginDeps } from '../../bin/plugins/whatsapp.js';

/**
 * Every plugin, with WhatsApp Web (Baileys) given a test socket (and, optionally, an instant
 * sleep) through the plugin's own dependencies: pass as `startParley(env, { plugins })`.
 *
 * @example
 * app = await startParley({ WHATSAPP_WEB_ENABLED: 'true' }, { plugins: pluginsWithBaileys({ socketFactory: (o) => new FakeSocket(o.auth) }) });
 */
export function pluginsWithBaileys(baileys: NonNullable<WhatsappPluginDeps['baileys']>): PluginModule[] {
  return PLUGINS.map((p) => (p.name === 'whatsapp' ? createWhatsappPlugin({ baileys }) : p));
}
