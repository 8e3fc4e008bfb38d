/**
 * The shape of one environment's configuration, per cloud.
 *
 * The schema checks each field on its own (types, formats, ranges); the
 * cross-field and per-environment rules (CIDR overlaps, min <= desired <= max,
 * what prod refuses) live in `validate.ts`, which reports every problem at once.
 */
import { z } from 'zod';
import { DEFAULT_SSO_GROUPS_CLAIM, HTTPS_URL, SSO_GROUP } from '../constructs/baseline/sso-rules';
import { EGRESS_ALLOWED, EGRESS_HOST, EGRESS_NAME, EGRESS_NAMESPACE, EGRESS_PROTOCOLS } from '../constructs/baseline/egress-rules';
import {
  DATABASE_ALLOWED,
  DATABASE_DATABASE,
  DATABASE_DEFAULTS,
  DATABASE_HOST,
  DATABASE_MAX_TTL_SECONDS,
  DATABASE_NAME,
  DATABASE_PLUGINS,
  DATABASE_SSL_MODES,
  DATABASE_TTL_SECONDS,
  DATABASE_USERNAME,
  type DatabaseSslMode,
} from '../constructs/vault/database-rules';

export const CLOUDS = ['aws', 'azure', 'gcp'] as const;
export type CloudName = (typeof CLOUDS)[number];

/**
 * Tiers decide which rules apply: every `prod`-tier environment gets the prod
 * rules, whatever it is called (`prod-eu-west-1`, `dr`, ...).
 */
export const TIERS = ['dev', 'staging', 'prod'] as const;
export type Tier = (typeof TIERS)[number];

/**
 * An environment's name: 1-20 lowercase letters, digits and single hyphens,
 * starting with a letter (DNS-safe). It names the stacks (`<cloud>-<name>-<role>`),
 * their state objects, the cluster (`<namePrefix>-<name>`) and the GitHub
 * environments; 20 characters keep GCP service account ids (`ci-<name>-deploy`) within 30.
 */
export const ENVIRONMENT_NAME = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,19}$/;

/**
 * Kubernetes minor versions each managed service supports in standard
 * support as of the last review (2026-11). Reviewed with every upgrade; a
 * version that leaves standard support is removed here first, which makes
 * synth fail for every environment still on it.
 */
export const SUPPORTED_KUBERNETES_VERSIONS: Record<CloudName, readonly string[]> = {
  aws: ['1.33', '1.34', '1.35'],
  azure: ['1.33', '1.34', '1.35'],
  gcp: ['1.33', '1.34', '1.35'],
};

const cidr = z.string().min(1);
const nonEmpty = z.string().min(1);

/**
 * `owner/name` as GitHub spells it: the owner is 1-39 letters, digits and single
 * hyphens, the name 1-100 letters, digits, `.`, `_` and `-`. No wildcard can
 * get through, because the slug becomes part of the OIDC subjects the CI
 * identities trust (`repo:<owner>/<name>:environment:<env>`).
 */
export const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;

/**
 * A state object key prefix (`aws/prod`): segments of letters, digits, `.`, `_`
 * and `-` separated by `/`. It lands in IAM resource ARNs and IAM conditions,
 * so no `*` or `?` can widen them.
 */
const statePrefix = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/, 'an object key prefix such as aws/prod: segments of letters, digits, ., _ and - separated by /');

/**
 * Where the state bootstrap stack (`<cloud>-state-<id>`, which creates this
 * backend) keeps its own state: `local` until the backend exists, `migrated`
 * once `terraform init -migrate-state` moved it into the backend it created
 * (docs/runbooks.md section 1). Every environment sharing the backend agrees.
 */
const bootstrapState = z.enum(['local', 'migrated']);

/** Key prefix of the state bootstrap stacks' own state inside the backend they create (after migration). */
export const BOOTSTRAP_STATE_PREFIX = 'bootstrap';

/** The AWS state bucket's access logs go to `<bucket>-logs`. */
export const STATE_LOG_BUCKET_SUFFIX = '-logs';

/**
 * HCP Terraform (or Terraform Enterprise) instead of the cloud's own bucket: each stack's state,
 * plans and applies live in a workspace named after the stack, in `project` of `organization`, with
 * HCP Terraform's run history, policy checks and health assessments (drift). Runs execute on the
 * organization's agent pool `agentPool`, inside the bank's network: the baseline stacks reach the
 * private cluster endpoints from there, and no state or run leaves for shared hosted runners. The
 * `hcp-terraform-<organization>` stack creates the workspaces; no state bootstrap stack is needed.
 */
export const HCP_TERRAFORM_DEFAULT_HOSTNAME = 'app.terraform.io';
export const hcpTerraformStateSchema = z.strictObject({
  kind: z.literal('hcp-terraform'),
  /** `app.terraform.io`, `app.eu.terraform.io` (HCP Europe) or a Terraform Enterprise host. @default app.terraform.io */
  hostname: z
    .string()
    .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a DNS hostname such as app.terraform.io or tfe.example.com')
    .default(HCP_TERRAFORM_DEFAULT_HOSTNAME),
  organization: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'an HCP Terraform organization name: 1-40 letters, digits, - and _'),
  project: z.string().regex(/^[A-Za-z0-9 _-]{3,40}$/, 'an HCP Terraform project name: 3-40 letters, digits, spaces, - and _'),
  /** The organization's agent pool (by name) every workspace of this environment runs on. */
  agentPool: z.string().regex(/^[A-Za-z0-9 ._-]{1,90}$/, 'an agent pool name: 1-90 letters, digits, spaces, ., - and _'),
});
export type HcpTerraformStateBackend = z.infer<typeof hcpTerraformStateSchema>;

const nodePoolSchema = z.strictObject({
  /** Instance type / VM size / machine type, in the cloud's own terms. */
  machineType: nonEmpty,
  minSize: z.number().int().min(1).max(100),
  maxSize: z.number().int().min(1).max(100),
  desiredSize: z.number().int().min(1).max(100),
  diskSizeGb: z.number().int().min(30).max(2048),
});
export type NodePoolConfig = z.infer<typeof nodePoolSchema>;

/** A Kubernetes label key (optional DNS prefix, then a name of at most 63 characters). */
const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A Kubernetes label value: at most 63 letters, digits, -, _ and ., starting and ending alphanumeric (or empty). */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export { NODE_POOL_NAME } from '../constructs/contract';

/**
 * A node pool of one's own (e.g. `batch`, `gpu`): sizing as the app pool, the label `workload: <name>`
 * set by the platform, optional labels of one's own and an optional taint so that only pods that
 * tolerate it run there. It gets the app pool's hardening (private subnets, encrypted disks, the
 * mirror only) and its dependencies (CNI before nodes) from the platform.
 */
const additionalNodePoolSchema = nodePoolSchema.extend({
  /** @default - none beyond `workload: <name>` */
  labels: z
    .record(
      z.string().regex(LABEL_KEY, 'a Kubernetes label key'),
      z.string().regex(LABEL_VALUE, 'a Kubernetes label value: at most 63 letters, digits, -, _ and .'),
    )
    .default({}),
  /** @default - no taint */
  taint: z
    .strictObject({
      key: z.string().regex(LABEL_KEY, 'a Kubernetes label key'),
      value: z.string().regex(LABEL_VALUE, 'a Kubernetes label value: at most 63 letters, digits, -, _ and .'),
      effect: z.literal('NoSchedule').default('NoSchedule'),
    })
    .optional(),
});
export type AdditionalNodePoolConfig = z.infer<typeof additionalNodePoolSchema>;

/**
 * Opt-in to a public Kubernetes API endpoint. Off by default everywhere and
 * refused in prod; when on, it must carry an explicit allow-list.
 */
const publicApiEndpointSchema = z.strictObject({
  enabled: z.boolean(),
  allowedCidrs: z.array(cidr),
});

const gitOpsSchema = z.strictObject({
  /** The repository ArgoCD syncs platform applications from (https or ssh). */
  repoUrl: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, 'an https://, ssh:// or git@ repository URL'),
  targetRevision: nonEmpty,
  path: nonEmpty,
});

/** An https URL (the identity provider and the consoles: tokens and client secrets travel over it). */
const httpsUrl = z.string().regex(HTTPS_URL, 'an https:// URL without query or fragment');
/** A group as the identity provider puts it in the groups claim. */
const ssoGroup = z.string().regex(SSO_GROUP, "a group name without commas, quotes or leading/trailing spaces");

/**
 * Sign-in to the consoles (Argo CD, Grafana) through the organisation's OIDC identity provider
 * (docs/identity.md). The client secrets come from Vault (External Secrets), never from config.
 */
const ssoSchema = z.strictObject({
  /** OIDC issuer of the identity provider, e.g. https://login.example-bank.com/oauth2/default. */
  issuerUrl: httpsUrl,
  /**
   * Claim of the ID token that carries the user's groups.
   * @default 'groups'
   */
  groupsClaim: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:/-]*$/, 'a claim name such as groups').default(DEFAULT_SSO_GROUPS_CLAIM),
  argoCd: z.strictObject({
    /** Argo CD's external URL (the OIDC redirect goes to <url>/auth/callback). */
    url: httpsUrl,
    /** OIDC client id of Argo CD; its secret is read from Vault (platform-kv/argocd/oidc, key clientSecret). */
    clientId: nonEmpty,
    /**
     * What each group may do. Signed-in users without a matching group get read-only access.
     * `sync`: get and sync the Applications of `projects`; `admin`: Argo CD's role:admin.
     */
    groups: z.array(z.strictObject({
      group: ssoGroup,
      role: z.enum(['readonly', 'sync', 'admin']),
      /** Projects a `sync` group may sync (required for sync, not allowed otherwise). */
      projects: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'an AppProject name')).min(1).optional(),
    })).min(1),
  }),
  grafana: z.strictObject({
    /** Grafana's external URL (root_url; the redirect goes to <url>/login/generic_oauth). */
    url: httpsUrl,
    /** OIDC client id of Grafana; its secret is read from Vault (platform-kv/monitoring/grafana-oidc, key clientSecret). */
    clientId: nonEmpty,
    /** The identity provider's authorization, token and userinfo endpoints (Grafana's generic OAuth does not read the discovery document). */
    authUrl: httpsUrl,
    tokenUrl: httpsUrl,
    apiUrl: httpsUrl,
    /** Groups mapped to Grafana's organisation roles; a user in none of them cannot sign in (role_attribute_strict). */
    adminGroups: z.array(ssoGroup).default([]),
    editorGroups: z.array(ssoGroup).default([]),
    viewerGroups: z.array(ssoGroup).min(1),
  }),
});

/**
 * The external destinations workloads may reach (docs/zero-trust.md#egress). Each becomes a
 * ServiceEntry routed through the Istio egress gateway, whose AuthorizationPolicy admits only the
 * listed namespaces; nothing else leaves the mesh (REGISTRY_ONLY). Cross-field rules (unique
 * names and host:port pairs, forbidden namespaces) are in egress-rules.ts.
 */
const egressSchema = z.strictObject({
  destinations: z
    .array(
      z.strictObject({
        /** DNS label naming the destination in object names (ServiceEntry egress-<name>). */
        name: z.string().regex(EGRESS_NAME, EGRESS_ALLOWED.name),
        /** Fully qualified DNS name of the external service (no wildcard or IP address). */
        host: z.string().regex(EGRESS_HOST, EGRESS_ALLOWED.host),
        /** TCP port of the external service. */
        port: z.number({ error: EGRESS_ALLOWED.port }).int(EGRESS_ALLOWED.port).min(1, EGRESS_ALLOWED.port).max(65535, EGRESS_ALLOWED.port),
        /**
         * TLS or HTTPS: the application speaks TLS to the destination; the gateway routes on SNI.
         * @default 'TLS'
         */
        protocol: z.enum(EGRESS_PROTOCOLS, { error: EGRESS_ALLOWED.protocol }).default('TLS'),
        /** Namespaces whose workloads may use the destination (at least one; no wildcard). */
        namespaces: z.array(z.string().regex(EGRESS_NAMESPACE, EGRESS_ALLOWED.namespace)).min(1, 'at least one namespace'),
      }),
    )
    .default([]),
});

/** A whole number in [min, max] with one message for every way of missing it. */
const wholeNumber = (min: number, max: number, message: string) => z.number({ error: message }).int(message).min(min, message).max(max, message);

/**
 * The databases Vault issues short-lived credentials for (docs/secrets.md, "Database credentials"):
 * each becomes a connection of the `platform-db` secrets engine, whose root credential Vault rotates
 * after the first apply, and one role `<namespace>_<name>` per namespace. Cross-field rules (unique
 * names, the CA, application namespaces only, maxTtlSeconds >= ttlSeconds) are in database-rules.ts;
 * the prod-tier rules in validate.ts.
 */
const databaseSchema = z.strictObject({
  /** DNS label naming the connection and the roles `<namespace>_<name>`. */
  name: z.string().regex(DATABASE_NAME, DATABASE_ALLOWED.name),
  /** @default 'postgresql' (the only plugin so far) */
  plugin: z.enum(DATABASE_PLUGINS).default(DATABASE_DEFAULTS.plugin),
  /** DNS name of the server as its certificate names it, or an IPv4 address. */
  host: z.string().regex(DATABASE_HOST, DATABASE_ALLOWED.host),
  /** @default 5432 */
  port: wholeNumber(1, 65535, DATABASE_ALLOWED.port).default(DATABASE_DEFAULTS.port),
  /** The database the credentials are for. */
  database: z.string().regex(DATABASE_DATABASE, DATABASE_ALLOWED.database),
  /**
   * How Vault's connection checks the server; verify-ca and require are refused in the prod tier.
   * @default 'verify-full'
   */
  sslMode: z
    .custom<DatabaseSslMode>((v) => typeof v === 'string' && (DATABASE_SSL_MODES as readonly string[]).includes(v), { error: DATABASE_ALLOWED.sslMode })
    .default(DATABASE_DEFAULTS.sslMode),
  /** PEM CA certificate(s) the server's certificate chains to (required with verify-ca and verify-full). */
  caCertificate: z.string({ error: 'a PEM text of CA certificates' }).optional(),
  /** Vault's own login role in the database: CREATEROLE, not a superuser. @default 'vault' */
  username: z.string().regex(DATABASE_USERNAME, DATABASE_ALLOWED.username).default(DATABASE_DEFAULTS.username),
  /** Bump to send the bootstrap password again (docs/runbooks.md, "Vault bootstrap"). @default 1 */
  bootstrapPasswordVersion: wholeNumber(1, 2_147_483_647, DATABASE_ALLOWED.bootstrapPasswordVersion).default(DATABASE_DEFAULTS.bootstrapPasswordVersion),
  /** Application namespaces whose workloads may get credentials. */
  namespaces: z.array(z.string({ error: DATABASE_ALLOWED.namespace })).min(1, DATABASE_ALLOWED.namespaces),
  /** Default lifetime of a credential. @default 900 */
  ttlSeconds: wholeNumber(DATABASE_TTL_SECONDS.min, DATABASE_TTL_SECONDS.max, DATABASE_ALLOWED.ttlSeconds).default(DATABASE_DEFAULTS.ttlSeconds),
  /** Longest lifetime, renewals included; at most 14400 in the prod tier. @default 3600 */
  maxTtlSeconds: wholeNumber(DATABASE_TTL_SECONDS.min, DATABASE_MAX_TTL_SECONDS.max, DATABASE_ALLOWED.maxTtlSeconds).default(DATABASE_DEFAULTS.maxTtlSeconds),
});

const commonFields = {
  /** The environment's name, unique per cloud (see ENVIRONMENT_NAME). */
  name: z.string().regex(ENVIRONMENT_NAME, 'a DNS-safe name: 1-20 lowercase letters, digits and single hyphens, starting with a letter (e.g. prod-eu-west-1)'),
  /** Which rules apply: prod-tier environments get the prod rules. */
  tier: z.enum(TIERS),
  /** Prefix for every resource name; the cluster is named `<namePrefix>-<name>`. */
  namePrefix: z.string().regex(/^[a-z][a-z0-9-]{1,14}[a-z0-9]$/, 'lowercase letters, digits and hyphens, 3-16 characters'),
  kubernetesVersion: z.string().regex(/^1\.\d{2}$/, 'a Kubernetes minor version such as 1.34'),
  /**
   * `app` (general workloads) and `security` (tainted: Falco, Kyverno, Vault) are required; any
   * further key is a pool of one's own (NODE_POOL_NAME). A mapping, not a list, so `extends` merges
   * pools by name.
   */
  nodePools: z.object({ app: nodePoolSchema, security: nodePoolSchema }).catchall(additionalNodePoolSchema),
  /** Principals granted cluster-admin through the cloud's identity system. */
  adminPrincipals: z.array(nonEmpty).min(1),
  /** Networks (VPN, bastion, CI runners) allowed to reach the private API endpoint: private (RFC 1918 / RFC 6598) ranges. */
  adminCidrs: z.array(cidr).min(1),
  /**
   * Explicit, named opt-out: admin ranges may include public address space
   * (each /16 or narrower). Refused in the prod tier.
   * @default false
   */
  allowPublicAdminCidrs: z.boolean().default(false),
  publicApiEndpoint: publicApiEndpointSchema,
  /** Image registries workloads may pull from (enforced by Kyverno). */
  allowedRegistries: z.array(nonEmpty).min(1),
  /**
   * Registry path where the platform's third-party images (Kyverno, Istio,
   * Vault, Falco, Argo CD, observability) are mirrored, scanned and re-signed
   * with the release key; every baseline chart pulls from it. Must lie inside
   * one of allowedRegistries.
   */
  platformImageMirror: nonEmpty,
  gitOps: gitOpsSchema,
  /**
   * Single sign-on for Argo CD and Grafana (required in the prod tier).
   * @default - none: no console sign-in (Argo CD has no local admin; Grafana only its admin account)
   */
  sso: ssoSchema.optional(),
  /**
   * Egress out of the cluster through the Istio egress gateway (docs/zero-trust.md#egress).
   * @default - no destination: the gateway runs and denies everything
   */
  egress: egressSchema.default({ destinations: [] }),
  /**
   * Vault configuration beyond what the platform itself needs (the `<cloud>-<env>-vault` stack).
   * @default - no database secrets engine
   */
  vault: z
    .strictObject({
      /** Databases Vault issues short-lived credentials for (docs/secrets.md, "Database credentials"). @default - none */
      databases: z.array(databaseSchema).default([]),
    })
    .default({ databases: [] }),
  /** PEM public key of the Cosign key that signs release images (Kyverno verifies every image against it). */
  cosignPublicKey: z
    .string()
    .regex(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n?$/, 'a PEM-encoded public key (-----BEGIN PUBLIC KEY-----)'),
  /**
   * Hours a vulnerability-scan attestation of an image stays acceptable: Kyverno (verify-image-signatures,
   * rule verify-scan-attestation) refuses an image whose release-key-signed scan attestation finished longer ago.
   * Required in the prod tier (validate.ts); elsewhere optional.
   * @default - no scan attestation required (the release signature and the SBOM attestation still are)
   */
  scanAttestationMaxAgeHours: z
    .number({ error: 'a whole number of hours between 1 and 720 (30 days), e.g. 168' })
    .int('a whole number of hours between 1 and 720 (30 days), e.g. 168')
    .min(1, 'a whole number of hours between 1 and 720 (30 days), e.g. 168')
    .max(720, 'at most 720 hours (30 days): an older scan has missed a month of advisories')
    .optional(),
  /** The CI that plans and deploys this environment. */
  ci: z.strictObject({
    /**
     * The GitHub repository whose workflow runs the pipeline (`owner/name`): the state bootstrap
     * stack's federated CI identities trust only its jobs, and only in this environment's GitHub environments.
     */
    githubRepository: z.string().regex(GITHUB_REPOSITORY, 'a GitHub repository as owner/name, e.g. example-org/regulated-k8s-platform'),
  }, { error: 'a ci block naming the repository that deploys this environment: { githubRepository: "owner/name" }' }),
  tags: z.record(z.string(), z.string()),
  /**
   * Velero backups (docs/backups.md): retention per schedule, write-once protection and the second
   * region of the backup bucket. Every field has a per-tier default (BACKUP_TIER_DEFAULTS); the prod
   * tier refuses anything weaker than its defaults.
   * @default - the tier's defaults
   */
  backup: z
    .strictObject({
      /** Days a daily full backup is kept (Velero TTL). @default dev 7, staging 14, prod 35 */
      dailyRetentionDays: z.number().int('a whole number of days').min(1).max(3650).optional(),
      /**
       * Hours an hourly backup of the namespaces labelled `data-classification: restricted` is kept.
       * @default dev 48, staging 72, prod 168
       */
      restrictedRetentionHours: z.number().int('a whole number of hours').min(2).max(8760).optional(),
      /**
       * Days each backup object is write-once (S3 Object Lock COMPLIANCE, Azure version-level
       * immutability, GCS retention policy); 0 turns it off. At most restrictedRetentionHours / 24,
       * so Velero can expire its shortest-lived backups.
       * @default dev 0, staging 0, prod 7
       */
      immutabilityDays: z.number().int('a whole number of days').min(0).max(3650).optional(),
      /**
       * Region of the second copy of every backup (AWS: S3 replication; GCP: the dual-region's second
       * region). Azure replicates to the location's paired region (geo-redundant storage) and takes none.
       * @default - none; required in the prod tier on AWS and GCP
       */
      secondaryRegion: z.string().regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, 'a region name such as eu-central-1 or europe-west1').optional(),
    })
    .default({}),
};

export const awsEnvironmentSchema = z.strictObject({
  cloud: z.literal('aws'),
  ...commonFields,
  accountId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  /**
   * Other accounts whose IAM principals may be cluster admins (e.g. a central identity account).
   * @default - none: admin principals belong to accountId
   */
  trustedAccountIds: z.array(z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id')).default([]),
  region: z.string().regex(/^[a-z]{2,4}(-gov|-[a-z]{2})?-[a-z]+-\d+$/, 'an AWS region such as eu-west-1'),
  availabilityZones: z.array(z.string().regex(/^[a-z]{2,4}(-gov|-[a-z]{2})?-[a-z]+-\d+[a-z]$/, 'an availability zone such as eu-west-1a')),
  network: z.strictObject({
    /**
     * Environments in one routing domain can reach each other's networks (peering, transit gateway,
     * interconnect), so their address ranges must not overlap. Name a domain to span accounts or clouds.
     * @default - the account / subscription / project: `<cloud>:<id>`
     */
    routingDomain: z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,62}$/, 'a routing domain name: lowercase letters, digits, :, ., _ and -').optional(),
    vpcCidr: cidr,
    /** Load balancers and NAT gateways only; nothing here maps public IPs on launch. */
    publicSubnetCidrs: z.array(cidr),
    /** Worker nodes. */
    privateSubnetCidrs: z.array(cidr),
    /** Control-plane ENIs; no route to the internet. */
    intraSubnetCidrs: z.array(cidr),
    natGateways: z.enum(['one-per-az', 'single']),
    flowLogRetentionDays: z.number().int().min(1),
  }),
  stateBackend: z.union([z.strictObject({
    /** @default s3: the bucket the `aws-state-<account>` stack creates */
    kind: z.literal('s3').optional(),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
    key: statePrefix,
    region: z.string().regex(/^[a-z]{2,4}(-gov|-[a-z]{2})?-[a-z]+-\d+$/, 'an AWS region'),
    /**
     * Customer-managed KMS key that encrypts the state object: the alias ARN
     * (`arn:aws:kms:<region>:<account>:alias/<name>`) the state bootstrap stack creates.
     */
    kmsKeyId: z.string().regex(/^arn:aws[a-z-]*:kms:/, 'a KMS key or alias ARN'),
    bootstrapState,
  }), hcpTerraformStateSchema]),
});

export const azureEnvironmentSchema = z.strictObject({
  cloud: z.literal('azure'),
  ...commonFields,
  subscriptionId: z.uuid('a subscription id (UUID)'),
  tenantId: z.uuid('a tenant id (UUID)'),
  location: z.string().regex(/^[a-z]+[a-z0-9]*$/, 'an Azure location such as westeurope'),
  /** AKS system pool: cluster add-ons only (CriticalAddonsOnly), no workloads. */
  systemNodePool: nodePoolSchema,
  network: z.strictObject({
    /**
     * Environments in one routing domain can reach each other's networks (peering, transit gateway,
     * interconnect), so their address ranges must not overlap. Name a domain to span accounts or clouds.
     * @default - the account / subscription / project: `<cloud>:<id>`
     */
    routingDomain: z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,62}$/, 'a routing domain name: lowercase letters, digits, :, ., _ and -').optional(),
    vnetCidr: cidr,
    nodeSubnetCidr: cidr,
    /** Delegated subnet for the API server (API server VNet integration). */
    apiServerSubnetCidr: cidr,
    appGatewaySubnetCidr: cidr,
    privateEndpointSubnetCidr: cidr,
    /** Overlay pod range; must not overlap the VNet. */
    podCidr: cidr,
    serviceCidr: cidr,
    dnsServiceIp: z.ipv4(),
  }),
  stateBackend: z.union([z.strictObject({
    /** @default azurerm: the storage account the `azure-state-<subscription>` stack creates */
    kind: z.literal('azurerm').optional(),
    resourceGroupName: nonEmpty,
    storageAccountName: z.string().regex(/^[a-z0-9]{3,24}$/, 'a storage account name'),
    containerName: z.string().regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/, 'a blob container name: 3-63 lowercase letters, digits and single hyphens'),
    key: statePrefix,
    /**
     * Address space of the state VNet the bootstrap stack creates for the
     * storage account's and Key Vault's private endpoints (/24 to /28). The CI
     * runners' network is peered with it, so it must not overlap theirs or the platform's.
     */
    vnetCidr: cidr,
    bootstrapState,
  }), hcpTerraformStateSchema]),
});

export const gcpEnvironmentSchema = z.strictObject({
  cloud: z.literal('gcp'),
  ...commonFields,
  projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a GCP project id'),
  /**
   * Other projects whose service accounts may be cluster admins.
   * @default - none: admin service accounts belong to projectId
   */
  trustedProjectIds: z.array(z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a GCP project id')).default([]),
  /**
   * VPC Service Controls: a service perimeter around the project for the GKE, Cloud KMS, Cloud
   * Storage, Artifact Registry and Cloud Logging APIs, admitting from outside only the environment's
   * CI service accounts. `dry-run` logs what the perimeter would block; `enforced` blocks it.
   * Recommended for the prod tier (docs/gcp.md lists the operational cost).
   * @default { mode: off }
   */
  vpcServiceControls: z
    .strictObject({
      mode: z.enum(['off', 'dry-run', 'enforced']).default('off'),
      /** The organization's access policy to put the perimeter in (`accessPolicies/<number>`). @default - a policy scoped to the project, created in organizationId */
      accessPolicy: z.string().regex(/^accessPolicies\/\d+$/, 'an access policy name such as accessPolicies/123456789').optional(),
      /** The organization (numeric id) a project-scoped access policy is created in, when no accessPolicy is named. */
      organizationId: z.string().regex(/^\d{6,20}$/, 'a numeric organization id').optional(),
    })
    .default({ mode: 'off' }),
  region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, 'a GCP region such as europe-west2'),
  network: z.strictObject({
    /**
     * Environments in one routing domain can reach each other's networks (peering, transit gateway,
     * interconnect), so their address ranges must not overlap. Name a domain to span accounts or clouds.
     * @default - the account / subscription / project: `<cloud>:<id>`
     */
    routingDomain: z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,62}$/, 'a routing domain name: lowercase letters, digits, :, ., _ and -').optional(),
    nodesCidr: cidr,
    podsCidr: cidr,
    servicesCidr: cidr,
    /** /28 for the control plane's private endpoint. */
    masterCidr: cidr,
    /** /26 or larger for the proxy-only subnet of internal load balancers. */
    proxyOnlyCidr: cidr,
  }),
  stateBackend: z.union([z.strictObject({
    /** @default gcs: the bucket the `gcp-state-<project>` stack creates */
    kind: z.literal('gcs').optional(),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'a GCS bucket name'),
    prefix: statePrefix,
    /** Cloud KMS key that encrypts the state objects (customer-managed). */
    kmsEncryptionKey: z
      .string()
      .regex(/^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z0-9-]+\/keyRings\/[\w-]+\/cryptoKeys\/[\w-]+$/, 'a Cloud KMS crypto key id (projects/P/locations/L/keyRings/R/cryptoKeys/K)'),
    bootstrapState,
  }), hcpTerraformStateSchema]),
});

export const environmentSchema = z.discriminatedUnion('cloud', [
  awsEnvironmentSchema,
  azureEnvironmentSchema,
  gcpEnvironmentSchema,
]);

export type AwsEnvironmentConfig = z.infer<typeof awsEnvironmentSchema>;
export type AzureEnvironmentConfig = z.infer<typeof azureEnvironmentSchema>;
export type GcpEnvironmentConfig = z.infer<typeof gcpEnvironmentSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
/** The pools of one's own of an environment (every pool but `app` and `security`), by name, in file order. */
export function additionalNodePools(config: Pick<EnvironmentConfig, 'nodePools'>): Array<[string, AdditionalNodePoolConfig]> {
  return Object.entries(config.nodePools)
    .filter(([name]) => name !== 'app' && name !== 'security')
    .map(([name, pool]) => [name, pool as AdditionalNodePoolConfig]);
}

/** The cloud's own state backend (bucket / storage account): what the state bootstrap stacks create. */
export type NativeStateConfig<C extends EnvironmentConfig = EnvironmentConfig> = C extends EnvironmentConfig
  ? C & { readonly stateBackend: Exclude<C['stateBackend'], HcpTerraformStateBackend> }
  : never;
/** An environment whose state, plans and applies live in HCP Terraform workspaces. */
export type HcpStateConfig<C extends EnvironmentConfig = EnvironmentConfig> = C extends EnvironmentConfig ? C & { readonly stateBackend: HcpTerraformStateBackend } : never;
export const isHcpState = <C extends EnvironmentConfig>(config: C): config is HcpStateConfig<C> & C => config.stateBackend.kind === 'hcp-terraform';
export const isNativeState = <C extends EnvironmentConfig>(config: C): config is NativeStateConfig<C> & C => config.stateBackend.kind !== 'hcp-terraform';

/** An environment as written, before defaults apply (what a YAML file or a TypeScript definition holds). */
export type EnvironmentInput = z.input<typeof environmentSchema>;

/** Backup settings with every default applied. */
export interface BackupSettings {
  readonly dailyRetentionDays: number;
  readonly restrictedRetentionHours: number;
  readonly immutabilityDays: number;
  readonly secondaryRegion?: string;
}

/**
 * Per-tier defaults of `backup`, and the floor of the prod tier (validate.ts refuses less in prod):
 * a month of daily restore points plus a margin for a monthly close, a week of hourly restore points
 * for restricted data, and a week of write-once protection against an attacker holding Velero's identity.
 */
export const BACKUP_TIER_DEFAULTS: Readonly<Record<Tier, Omit<BackupSettings, 'secondaryRegion'>>> = {
  dev: { dailyRetentionDays: 7, restrictedRetentionHours: 48, immutabilityDays: 0 },
  staging: { dailyRetentionDays: 14, restrictedRetentionHours: 72, immutabilityDays: 0 },
  prod: { dailyRetentionDays: 35, restrictedRetentionHours: 168, immutabilityDays: 7 },
};

/** The environment's backup settings: its `backup` block over its tier's defaults. */
export function backupSettings(config: Pick<EnvironmentConfig, 'tier' | 'backup'>): BackupSettings {
  const defaults = BACKUP_TIER_DEFAULTS[config.tier];
  const b = config.backup ?? {};
  return {
    dailyRetentionDays: b.dailyRetentionDays ?? defaults.dailyRetentionDays,
    restrictedRetentionHours: b.restrictedRetentionHours ?? defaults.restrictedRetentionHours,
    immutabilityDays: b.immutabilityDays ?? defaults.immutabilityDays,
    secondaryRegion: b.secondaryRegion,
  };
}
export type SsoConfig = z.infer<typeof ssoSchema>;
export type EgressConfig = z.infer<typeof egressSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
