import { ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import {
  AuthenticationError,
  BotFrameworkAuthentication,
  ServiceClientCredentialsFactory,
  TokenCredentials,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorFactory,
  type ServiceClientCredentials,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botframework-schema';
import { ProviderError, ValidationError, errorMessage } from '../../core/domain/index.js';

/** How the bot authenticates to Azure (the Azure Bot resource's "Type of App"). */
export type TeamsAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface TeamsAuthSettings {
  appId: string;
  appPassword?: string | undefined;
  tenantId?: string | undefined;
  appType: TeamsAppType;
  /**
   * Bot Framework endpoints, all three or none (defaults: Azure's public cloud). Set for a
   * sovereign cloud, or a fake Bot Framework in tests. With a token endpoint Parley requests its
   * own token (client credentials) instead of MSAL, which refuses non-Azure authorities.
   */
  endpoints?: { openIdMetadataUrl: string; tokenIssuer: string; tokenEndpoint: string } | undefined;
}

/**
 * Check the settings as a group at start-up (a bot that starts and then answers every activity
 * 401 helps nobody).
 */
export function validateTeamsAuth(s: {
  appId?: string | undefined;
  appPassword?: string | undefined;
  tenantId?: string | undefined;
  appType: TeamsAppType;
  openIdMetadataUrl?: string | undefined;
  tokenIssuer?: string | undefined;
  tokenEndpoint?: string | undefined;
}): TeamsAuthSettings {
  if (!s.appId) throw new ValidationError('MICROSOFT_APP_ID is required for Teams');
  const custom = { TEAMS_OPENID_METADATA_URL: s.openIdMetadataUrl, TEAMS_TOKEN_ISSUER: s.tokenIssuer, TEAMS_TOKEN_ENDPOINT: s.tokenEndpoint };
  const set = Object.entries(custom).filter(([, v]) => v);
  if (set.length > 0 && set.length < 3) {
    const missing = Object.entries(custom).filter(([, v]) => !v).map(([k]) => k);
    throw new ValidationError(`Teams: custom Bot Framework endpoints go together; ${set.map(([k]) => k).join(', ')} set but ${missing.join(', ')} missing`);
  }
  if (s.appType !== 'UserAssignedMSI' && !s.appPassword) throw new ValidationError(`MICROSOFT_APP_TYPE=${s.appType} needs MICROSOFT_APP_PASSWORD (the client secret of the bot's app registration)`);
  if (s.appType !== 'MultiTenant' && !s.tenantId) throw new ValidationError(`MICROSOFT_APP_TYPE=${s.appType} needs MICROSOFT_APP_TENANT_ID`);
  if (s.appType === 'UserAssignedMSI' && set.length > 0) throw new ValidationError('TEAMS_TOKEN_ENDPOINT needs a client secret; it cannot be combined with MICROSOFT_APP_TYPE=UserAssignedMSI');
  return {
    appId: s.appId,
    appPassword: s.appPassword,
    tenantId: s.tenantId,
    appType: s.appType,
    ...(set.length === 3 ? { endpoints: { openIdMetadataUrl: s.openIdMetadataUrl as string, tokenIssuer: s.tokenIssuer as string, tokenEndpoint: s.tokenEndpoint as string } } : {}),
  };
}

/** jsonwebtoken's own errors: a token that does not verify, however it fails. */
const JWT_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * botbuilder's authentication, with one fix: a token that names a real key id but does not verify
 * (forged signature, wrong algorithm) surfaces from the library as jsonwebtoken's error, which
 * CloudAdapter answers with 500. Any such failure is a 401 here.
 */
class StrictAuthentication extends BotFrameworkAuthentication {
  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }
  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateRequest(activity, authHeader).catch((err: unknown) => Promise.reject(asAuthError(err)));
  }
  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader).catch((err: unknown) => Promise.reject(asAuthError(err)));
  }
  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader).catch((err: unknown) => Promise.reject(asAuthError(err)));
  }
  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.inner.createConnectorFactory(claimsIdentity);
  }
  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }
  override createBotFrameworkClient() {
    return this.inner.createBotFrameworkClient();
  }
}

function asAuthError(err: unknown): unknown {
  if (err instanceof AuthenticationError) return err;
  if (err instanceof Error && JWT_ERRORS.has(err.name)) return new AuthenticationError(`Unauthorized: ${err.message}`, 401);
  return err;
}

/** A bearer token for the Bot Connector, refreshed a minute before it expires. */
export interface TokenSource {
  token(): Promise<string>;
}

/**
 * Client-credentials token from a configured endpoint (OAuth 2.0, form-encoded), for the
 * connector's `signRequest`. Used instead of MSAL when TEAMS_TOKEN_ENDPOINT is set.
 */
class EndpointTokenSource implements TokenSource {
  private cached: { token: string; expiresAt: number } | undefined;
  constructor(
    private readonly endpoint: string,
    private readonly appId: string,
    private readonly secret: string,
    private readonly scope: string,
  ) {}
  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAt > Date.now() + 60_000) return this.cached.token;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.appId, client_secret: this.secret, scope: this.scope });
    const res = await fetch(this.endpoint, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }).catch((err: unknown) => {
      throw new ProviderError('teams', `token request failed: ${errorMessage(err)}`, { method: 'token' });
    });
    if (!res.ok) throw new ProviderError('teams', `token request failed: HTTP ${res.status}`, { method: 'token', status: res.status });
    const json = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!json.access_token) throw new ProviderError('teams', 'token response without access_token', { method: 'token', permanent: true });
    this.cached = { token: json.access_token, expiresAt: Date.now() + (json.expires_in ?? 3600) * 1000 };
    return json.access_token;
  }
}

class EndpointCredentialsFactory extends ServiceClientCredentialsFactory {
  constructor(
    private readonly appId: string,
    readonly source: TokenSource,
  ) {
    super();
  }
  isValidAppId(appId: string): Promise<boolean> {
    return Promise.resolve(appId === this.appId);
  }
  isAuthenticationDisabled(): Promise<boolean> {
    return Promise.resolve(false);
  }
  async createCredentials(): Promise<ServiceClientCredentials> {
    return new TokenCredentials(await this.source.token());
  }
}

/** The Bot Connector's OAuth scope (public cloud). */
const CONNECTOR_SCOPE = 'https://api.botframework.com/.default';

/**
 * botbuilder's `ConfigurationBotFrameworkAuthentication` from Parley's settings, and a token
 * source for downloading attachments with the bot's token.
 */
export function createTeamsAuth(s: TeamsAuthSettings): { auth: BotFrameworkAuthentication; tokens: TokenSource } {
  const config: Record<string, string | undefined> = {
    MicrosoftAppId: s.appId,
    MicrosoftAppPassword: s.appPassword,
    MicrosoftAppTenantId: s.tenantId,
    MicrosoftAppType: s.appType,
  };
  if (!s.endpoints) {
    const factory = new ConfigurationServiceClientCredentialFactory({
      MicrosoftAppId: s.appId,
      MicrosoftAppPassword: s.appPassword,
      MicrosoftAppTenantId: s.tenantId,
      MicrosoftAppType: s.appType,
    });
    const auth = new ConfigurationBotFrameworkAuthentication(config, factory);
    const tokens: TokenSource = {
      async token() {
        const creds = await factory.createCredentials(s.appId, CONNECTOR_SCOPE, '', true);
        const signed = { headers: new Map<string, string>() } as unknown as Parameters<ServiceClientCredentials['signRequest']>[0];
        const res = (await creds.signRequest(signed)) as unknown as { headers: { get(k: string): string | undefined } };
        return (res.headers.get('authorization') ?? res.headers.get('Authorization') ?? '').replace(/^Bearer /, '');
      },
    };
    return { auth: new StrictAuthentication(auth), tokens };
  }
  const { openIdMetadataUrl, tokenIssuer, tokenEndpoint } = s.endpoints;
  const factory = new EndpointCredentialsFactory(s.appId, new EndpointTokenSource(tokenEndpoint, s.appId, s.appPassword ?? '', CONNECTOR_SCOPE));
  // Every parameterised setting together (botbuilder treats any one of them as "all intentional").
  const custom = {
    ...config,
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: tokenIssuer,
    ToChannelFromBotLoginUrl: tokenEndpoint,
    ToChannelFromBotOAuthScope: CONNECTOR_SCOPE,
    OAuthUrl: new URL('/', tokenEndpoint).toString(),
    ValidateAuthority: 'false',
  };
  return { auth: new StrictAuthentication(new ConfigurationBotFrameworkAuthentication(custom, factory)), tokens: factory.source };
}
