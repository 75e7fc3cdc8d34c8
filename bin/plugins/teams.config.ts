import { z } from 'zod';
import { TEAMS_HR_USERS_PATTERN } from '../../bots/hr-commands/roles.js';

/** Env settings for Microsoft Teams (botbuilder), merged into the app config. Documented in .env.example and docs/teams.md. */
export const teamsConfigShape = {
  /** The Azure Bot's Microsoft App ID; enables Teams (with MICROSOFT_APP_PASSWORD unless UserAssignedMSI). */
  MICROSOFT_APP_ID: z.string().min(1).optional(),
  MICROSOFT_APP_PASSWORD: z.string().min(1).optional(),
  /** Required for SingleTenant and UserAssignedMSI. */
  MICROSOFT_APP_TENANT_ID: z.string().min(1).optional(),
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  /** Custom Bot Framework endpoints (sovereign clouds, a fake in tests): all three or none. */
  TEAMS_OPENID_METADATA_URL: z.url({ error: 'expected the absolute URL of an OpenID metadata document' }).optional(),
  TEAMS_TOKEN_ISSUER: z.string().min(1).optional(),
  TEAMS_TOKEN_ENDPOINT: z.url({ error: 'expected the absolute URL of an OAuth 2.0 token endpoint' }).optional(),
  /** HR allowlist: `<Azure AD object id or email>:<admin|recruiter|viewer>`, comma-separated. */
  TEAMS_HR_USERS: z.string().regex(TEAMS_HR_USERS_PATTERN, 'expected comma-separated <Azure AD object id or email>:<admin|recruiter|viewer> pairs').optional(),
} satisfies z.ZodRawShape;
