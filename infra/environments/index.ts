import { dev, devOverrides } from './dev';
import { prod, prodOverrides } from './prod';
import { staging, stagingOverrides } from './staging';
import type { EnvironmentName, EnvironmentOverrides, EnvironmentSpec } from './types';

export * from './types';
export { defineEnvironment, declaredPaths, ENVIRONMENT_DEFAULTS } from './defaults';
export { validateEnvironment, EnvironmentError } from './validate-environment';

export const ENVIRONMENTS: Readonly<Record<EnvironmentName, EnvironmentSpec>> = { dev, staging, prod };

/** What each environment file declares, for the environment-diff test. */
export const ENVIRONMENT_OVERRIDES: Readonly<Record<EnvironmentName, EnvironmentOverrides>> = {
  dev: devOverrides,
  staging: stagingOverrides,
  prod: prodOverrides,
};
