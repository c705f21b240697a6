import { PolicyPack } from '@pulumi/policy';
import { CLOUD_POLICIES } from './policies';

// Constructing the pack starts the analyzer server Pulumi talks to, so nothing else imports this file.
new PolicyPack('uag-cloud-guardrails', { policies: CLOUD_POLICIES, enforcementLevel: 'mandatory' });
