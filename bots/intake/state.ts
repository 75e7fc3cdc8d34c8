import { z } from 'zod';
import { defineSlice, type StateSlice } from '../../core/domain/index.js';
import type { IntakeState } from './intake.js';

/** `conversation.state.intake`: where the intake dialog is. Owner: the intake middleware. */
export const IntakeStateSchema = z.object({
  step: z.enum(['consent', 'declined', 'name', 'role', 'done']),
  retries: z.number().int().nonnegative(),
});

export const intakeSlice: StateSlice<IntakeState> = defineSlice('intake', IntakeStateSchema);
