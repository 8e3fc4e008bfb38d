/**
 * The shapes console SSO input must have, shared by the environment schema (src/config/schema.ts)
 * and the construct's own checks for library users (settings.ts). No imports: the config layer
 * loads it without cdktf.
 */

/** An https URL without query or fragment (the identity provider and the consoles: tokens and client secrets travel over it). */
export const HTTPS_URL = /^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;
/** A group name as written into Argo CD's RBAC CSV and Grafana's JMESPath role expression: no separators or quotes. */
export const SSO_GROUP = /^[^\s,'"]+( [^\s,'"]+)*$/;
/** The ID-token claim that carries the user's groups unless `groupsClaim` says otherwise. */
export const DEFAULT_SSO_GROUPS_CLAIM = 'groups';
