import { BufferJSON, initAuthCreds, proto, type AuthenticationCreds, type AuthenticationState, type SignalDataTypeMap } from '@whiskeysockets/baileys';

/** The key/value part of Parley's Store that WhatsApp Web's auth state lives in. */
export interface AuthKv {
  kvGet<T = unknown>(namespace: string, key: string): Promise<T | undefined>;
  kvSet(namespace: string, key: string, value: unknown): Promise<void>;
  kvDelete(namespace: string, key: string): Promise<void>;
  kvList(namespace: string): Promise<{ key: string; value: unknown }[]>;
}

export const AUTH_NAMESPACE = 'whatsapp-web-auth';

/**
 * Baileys auth state kept in Parley's store (not loose files), so a restart or a new machine
 * with the same database needs no new QR. Values are serialised with Baileys' BufferJSON so
 * keys survive as Buffers.
 */
export async function useStoreAuthState(kv: AuthKv): Promise<{ state: AuthenticationState; saveCreds: () => Promise<void>; clear: () => Promise<void> }> {
  const read = async <T>(key: string): Promise<T | undefined> => {
    const raw = await kv.kvGet<string>(AUTH_NAMESPACE, key);
    return raw === undefined ? undefined : (JSON.parse(raw, BufferJSON.reviver) as T);
  };
  const write = (key: string, value: unknown) => kv.kvSet(AUTH_NAMESPACE, key, JSON.stringify(value, BufferJSON.replacer));
  const creds: AuthenticationCreds = (await read<AuthenticationCreds>('creds')) ?? initAuthCreds();
  return {
    state: {
      creds,
      keys: {
        get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
          const out: { [id: string]: SignalDataTypeMap[T] } = {};
          for (const id of ids) {
            let value = await read<SignalDataTypeMap[T]>(`${type}:${id}`);
            if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>) as unknown as SignalDataTypeMap[T];
            if (value) out[id] = value;
          }
          return out;
        },
        set: async (data) => {
          for (const [category, entries] of Object.entries(data)) {
            for (const [id, value] of Object.entries(entries ?? {})) {
              if (value) await write(`${category}:${id}`, value);
              else await kv.kvDelete(AUTH_NAMESPACE, `${category}:${id}`);
            }
          }
        },
      },
    },
    saveCreds: () => write('creds', creds),
    clear: async () => {
      for (const { key } of await kv.kvList(AUTH_NAMESPACE)) await kv.kvDelete(AUTH_NAMESPACE, key);
    },
  };
}
