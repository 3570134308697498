/** Every rule module, in the order explanations list them. Adding a rule kind: one file here, one line below. */
import type { RuleModule } from './rule.js';
import { coverageRule } from './coverage.js';
import { shiftCoverageRule } from './shift-coverage.js';
import { skillsRule, shiftTemplatesRule, leaveRule, flexibleStartRule } from './shift-rules.js';
import { dailyShiftsRule } from './daily-shifts.js';
import { contractHoursRule } from './contract-hours.js';
import { overtimeRule } from './overtime.js';
import { restRule } from './rest.js';
import { maxDaysPerWeekRule } from './days-per-week.js';
import { consecutiveDaysRule } from './consecutive-days.js';
import { maxWeekendsRule } from './weekends.js';
import { templateLimitsRule } from './template-limits.js';
import { microShiftsRule } from './micro-shifts.js';
import { freeWindowRule } from './personal/free-window.js';
import { earliestStartRule } from './personal/earliest-start.js';
import { latestEndRule } from './personal/latest-end.js';
import { maxLateShiftsRule } from './personal/max-late-shifts.js';
import { maxWorkingDaysRule } from './personal/max-working-days.js';
import { preferredDayOffRule } from './personal/preferred-day-off.js';
import { shiftRequestRule } from './personal/shift-request.js';
import { stabilityRule } from './stability.js';
import { breaksRule } from './breaks.js';
import { continuousSkillRule } from './continuous-skill.js';
import { activitiesRule } from './activities.js';

export const RULES: readonly RuleModule[] = [
  coverageRule,
  shiftCoverageRule,
  skillsRule,
  shiftTemplatesRule,
  leaveRule,
  dailyShiftsRule,
  breaksRule,
  continuousSkillRule,
  activitiesRule,
  contractHoursRule,
  overtimeRule,
  restRule,
  maxDaysPerWeekRule,
  consecutiveDaysRule,
  maxWeekendsRule,
  templateLimitsRule,
  microShiftsRule,
  flexibleStartRule,
  freeWindowRule,
  earliestStartRule,
  latestEndRule,
  maxLateShiftsRule,
  maxWorkingDaysRule,
  preferredDayOffRule,
  shiftRequestRule,
  stabilityRule,
];

/** Rules that judge one agent at a time (everything but coverage). */
export const AGENT_RULES = RULES.filter((r) => r.checkAgent);

export type { RuleModule, RuleFinding } from './rule.js';
