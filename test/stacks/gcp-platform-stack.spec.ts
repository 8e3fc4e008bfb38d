import { gcpDev, gcpProd } from '../helpers/environments';
import type { GcpEnvironmentConfig } from '../../src/config/schema';
import { BASELINE_SERVICE_ACCOUNTS, SECURITY_POOL_PLACEMENT } from '../../src/constructs/contract';
import { CLUSTER_LOG_COMPONENTS } from '../../src/constructs/gcp/cluster';
import { GKE_BACKEND_CONFIG_ANNOTATION, GKE_FRONTEND_CONFIG_ANNOTATION } from '../../src/constructs/gcp/cloud-armor';
import { PLATFORM_SERVICES } from '../../src/constructs/gcp/project-services';
import { GcpPlatformStack } from '../../src/stacks/gcp-platform-stack';
import { type Json, named as one, resolve, resources as all, synthStack } from '../helpers/terraform-json';

const synth = (config: GcpEnvironmentConfig): { stack: GcpPlatformStack; json: Json } =>
  synthStack((app) => new GcpPlatformStack(app, `gcp-${config.name}-platform`, { config }));

describe.each([
  ['dev', gcpDev],
  ['prod', gcpProd],
])('GcpPlatformStack (%s)', (env, config) => {
  let json: Json;
  let stack: GcpPlatformStack;
  let gke: Json;
  beforeAll(() => {
    ({ json, stack } = synth(config));
    gke = one(json, 'google_container_cluster');
  });

  it('configures the provider with project, region and verbatim default labels, and the GCS backend', () => {
    const provider = json.provider.google[0];
    expect(provider.project).toBe(config.projectId);
    expect(provider.region).toBe(config.region);
    expect(provider.default_labels).toEqual({ ...config.tags, environment: env, tier: config.tier, 'managed-by': 'cdktf' });
    expect(Object.keys(provider.default_labels)).toContain('cost-center');
    expect(json.terraform.backend.gcs).toMatchObject({ bucket: config.stateBackend.bucket, prefix: `gcp/${env}/gcp-${env}-platform` });
  });

  it('names the cluster from config and keeps it private with the admin allow-list', () => {
    expect(gke.name).toBe(`finplat-${env}`);
    expect(gke.location).toBe(config.region);
    expect(gke.private_cluster_config).toMatchObject({ enable_private_endpoint: true, enable_private_nodes: true, master_ipv4_cidr_block: config.network.masterCidr });
    expect(gke.master_authorized_networks_config.cidr_blocks.map((b: Json) => b.cidr_block)).toEqual(config.adminCidrs);
    expect(gke.master_authorized_networks_config.gcp_public_cidrs_access_enabled).toBe(false);
  });

  it('pins the minor version and picks the release channel (STABLE in prod)', () => {
    expect(gke.min_master_version).toBe(config.kubernetesVersion);
    expect(gke.release_channel.channel).toBe(env === 'prod' ? 'STABLE' : 'REGULAR');
  });

  it('carries every cluster control', () => {
    expect(gke).toMatchObject({
      remove_default_node_pool: true,
      datapath_provider: 'ADVANCED_DATAPATH',
      enable_legacy_abac: false,
      enable_shielded_nodes: true,
      enable_intranode_visibility: true,
      deletion_protection: true,
      workload_identity_config: { workload_pool: `${config.projectId}.svc.id.goog` },
      binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      master_auth: { client_certificate_config: { issue_client_certificate: false } },
      logging_config: { enable_components: [...CLUSTER_LOG_COMPONENTS] },
      gateway_api_config: { channel: 'CHANNEL_STANDARD' },
    });
    expect(gke.monitoring_config.managed_prometheus.enabled).toBe(true);
    expect(gke.security_posture_config.mode).toBe('BASIC');
    expect(gke.node_config.metadata['disable-legacy-endpoints']).toBe('true');
  });

  it('encrypts secrets with the etcd key and lets only the GKE service agent use it', () => {
    expect(gke.database_encryption).toEqual({ state: 'ENCRYPTED', key_name: expect.stringContaining('google_kms_crypto_key.platform_secrets-key') });
    const grant = one(json, 'google_kms_crypto_key_iam_member', 'secrets-key');
    expect(grant.member).toMatch(/^serviceAccount:service-\$\{data\.google_project\.platform_project_[A-F0-9]+\.number\}@container-engine-robot\.iam\.gserviceaccount\.com$/);
    expect(grant.role).toBe('roles/cloudkms.cryptoKeyEncrypterDecrypter');
    expect(json.data.google_project).toBeDefined();
    expect(gke.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('google_kms_crypto_key_iam_member.platform_secrets-key')]));
  });

  it('grants the Compute Engine service agent the boot disk key only', () => {
    const grant = one(json, 'google_kms_crypto_key_iam_member', 'boot-disk-key');
    expect(grant.member).toContain('@compute-system.iam.gserviceaccount.com');
  });

  it('rotates all five keys every 90 days and prevents their destruction', () => {
    const keys = all(json, 'google_kms_crypto_key');
    expect(keys.map((k) => k.name).sort()).toEqual(['artifact-registry', 'gke-boot-disks', 'gke-secrets', 'vault-unseal', 'velero-backups']);
    for (const key of keys) {
      expect(key.rotation_period).toBe('7776000s');
      expect(key.lifecycle.prevent_destroy).toBe(true);
    }
    expect(one(json, 'google_kms_key_ring', 'platform_key-ring').name).toBe(`finplat-${env}`);
  });

  it('builds the app and security pools from config with labels and the security taint', () => {
    const app = one(json, 'google_container_node_pool', 'app-pool');
    const security = one(json, 'google_container_node_pool', 'security-pool');
    expect(app.autoscaling).toEqual({ total_min_node_count: config.nodePools.app.minSize, total_max_node_count: config.nodePools.app.maxSize, location_policy: 'BALANCED' });
    expect(app.node_config).toMatchObject({ machine_type: config.nodePools.app.machineType, disk_size_gb: config.nodePools.app.diskSizeGb, labels: { workload: 'app' } });
    expect(app.node_config.taint).toBeUndefined();
    expect(security.node_config.labels).toEqual({ workload: 'security' });
    expect(security.node_config.taint).toEqual([{ key: 'workload', value: 'security', effect: 'NO_SCHEDULE' }]);
    for (const pool of [app, security]) {
      expect(pool.cluster).toContain('google_container_cluster.platform_gke_cluster');
      expect(pool.node_config.service_account).toContain('google_service_account.platform_node-identity');
      expect(pool.node_config.boot_disk_kms_key).toContain('google_kms_crypto_key.platform_boot-disk-key');
      expect(pool.node_config.workload_metadata_config).toEqual({ mode: 'GKE_METADATA' });
      expect(pool.node_config.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_integrity_monitoring: true });
      expect(pool.management).toEqual({ auto_repair: true, auto_upgrade: true });
    }
  });

  it('gives admins cluster viewer in IAM and group-based RBAC, never container.admin', () => {
    const admins = all(json, 'google_project_iam_member').filter((g) => config.adminPrincipals.includes(g.member));
    expect(admins.map((g) => g.member)).toEqual(config.adminPrincipals);
    for (const g of admins) expect(g.role).toBe('roles/container.clusterViewer');
    expect(all(json, 'google_project_iam_member').map((g) => g.role)).not.toContain('roles/container.admin');
    expect(gke.authenticator_groups_config).toEqual({ security_group: 'gke-security-groups@example.com' });
    expect(gke.network_policy).toEqual({ enabled: false });
  });

  it('gives the node service account only the least-privilege roles', () => {
    const roles = all(json, 'google_project_iam_member').filter((g) => String(g.member).includes('node-identity')).map((g) => g.role).sort();
    // No project-wide artifactregistry.reader: the nodes read the mirror repository only (test/constructs/gcp/registry.spec.ts).
    expect(roles).toEqual(['roles/logging.logWriter', 'roles/monitoring.metricWriter', 'roles/monitoring.viewer', 'roles/stackdriver.resourceMetadata.writer']);
  });

  it('builds the network from config, sampling every flow outside dev', () => {
    const nodes = one(json, 'google_compute_subnetwork', '_nodes_');
    expect(nodes.ip_cidr_range).toBe(config.network.nodesCidr);
    expect(nodes.secondary_ip_range.map((r: Json) => r.ip_cidr_range)).toEqual([config.network.podsCidr, config.network.servicesCidr]);
    expect(nodes.log_config).toEqual({ aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: env === 'dev' ? 0.5 : 1, metadata: 'INCLUDE_ALL_METADATA' });
    expect(one(json, 'google_compute_subnetwork', 'proxy-only').ip_cidr_range).toBe(config.network.proxyOnlyCidr);
    expect(one(json, 'google_compute_firewall', 'allow-control-plane').source_ranges).toEqual([config.network.masterCidr]);
    expect(one(json, 'google_compute_network').auto_create_subnetworks).toBe(false);
  });

  it('binds the Vault identity to vault/vault and lets it use the unseal key only', () => {
    const binding = one(json, 'google_service_account_iam_member', 'vault-workload-identity');
    expect(binding.member).toBe(`serviceAccount:${config.projectId}.svc.id.goog[vault/vault]`);
    expect(binding.role).toBe('roles/iam.workloadIdentityUser');
    const vaultGrants = all(json, 'google_kms_crypto_key_iam_member').filter((g) => String(g.member).includes('vault-identity'));
    expect(vaultGrants.map((g) => g.role).sort()).toEqual(['roles/cloudkms.cryptoKeyEncrypterDecrypter', 'roles/cloudkms.viewer']);
    for (const g of vaultGrants) expect(g.crypto_key_id).toContain('platform_unseal-key');
  });

  it('exposes a contract the baseline can consume', () => {
    const c = stack.contract;
    expect(c.cloud).toBe('gcp');
    expect(resolve(stack, c.clusterName)).toMatch(/google_container_cluster\.platform_gke_cluster_[A-F0-9]+\.name/);
    expect(resolve(stack, c.access.host)).toMatch(/^https:\/\/\$\{google_container_cluster\.platform_gke_cluster_[A-F0-9]+\.private_cluster_config\[0\]\.private_endpoint\}$/);
    expect(resolve(stack, c.access.clusterCaCertificate)).toMatch(/^\$\{base64decode\(google_container_cluster\.platform_gke_cluster_[A-F0-9]+\.master_auth\[0\]\.cluster_ca_certificate\)\}$/);
    expect(c.access.exec).toEqual({ apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: [] });
    expect(c.oidcIssuerUrl).toBe(`https://container.googleapis.com/v1/projects/${config.projectId}/locations/${config.region}/clusters/finplat-${env}`);
    expect(c.vaultUnseal.seal).toBe('gcpckms');
    expect(Object.keys(c.vaultUnseal.sealConfig).sort()).toEqual(['crypto_key', 'key_ring', 'project', 'region']);
    expect(c.vaultUnseal.sealConfig.project).toBe(config.projectId);
    expect(resolve(stack, c.vaultUnseal.sealConfig.crypto_key)).toContain('google_kms_crypto_key.platform_unseal-key');
    expect(c.vaultUnseal.identity.serviceAccount).toEqual(BASELINE_SERVICE_ACCOUNTS.vault);
    expect(resolve(stack, c.vaultUnseal.identity.serviceAccountAnnotations['iam.gke.io/gcp-service-account'])).toContain('google_service_account.platform_vault-identity');
    expect(c.vaultUnseal.identity.podLabels).toEqual({});
    expect(c.securityNodePool).toEqual(SECURITY_POOL_PLACEMENT);
    expect(c.ingressWaf.kind).toBe('gcp-cloud-armor');
    expect(resolve(stack, c.ingressWaf.id)).toContain('google_compute_security_policy.platform_cloud-armor_policy');
    expect(resolve(stack, c.ingressWaf.ingressAnnotations[GKE_BACKEND_CONFIG_ANNOTATION])).toMatch(/^\{"default":"\$\{google_compute_security_policy\.platform_cloud-armor_policy_[A-F0-9]+\.name\}"\}$/);
    expect(resolve(stack, c.ingressWaf.ingressAnnotations[GKE_FRONTEND_CONFIG_ANNOTATION])).toContain('google_compute_ssl_policy.platform_cloud-armor_ssl-policy');
    expect(c.controllerIdentities).toEqual({});
  });

  it('puts Cloud Armor and a TLS 1.2+ SSL policy in front of the ingress', () => {
    const policy = one(json, 'google_compute_security_policy');
    expect(policy.name).toBe(`finplat-${env}-waf`);
    expect(policy.adaptive_protection_config.layer_7_ddos_defense_config.enable).toBe(true);
    expect(one(json, 'google_compute_ssl_policy')).toMatchObject({ min_tls_version: 'TLS_1_2', profile: 'RESTRICTED' });
  });

  it('manages the project Binary Authorization policy: deny by default, block and audit, config registries and Google system images', () => {
    const policy = one(json, 'google_binary_authorization_policy');
    expect(policy.project).toBe(config.projectId);
    expect(policy.default_admission_rule).toEqual({ evaluation_mode: 'ALWAYS_DENY', enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' });
    expect(policy.global_policy_evaluation_mode).toBe('ENABLE');
    expect(policy.admission_whitelist_patterns).toEqual(config.allowedRegistries.map((r) => ({ name_pattern: `${r}/**` })));
    expect(policy.admission_whitelist_patterns).toContainEqual({ name_pattern: `europe-west2-docker.pkg.dev/finplat-${env}-0001/**` });
    expect(policy.cluster_admission_rules).toBeUndefined();
    // The platform's image mirror is admitted through its registry's pattern.
    expect(config.allowedRegistries.some((r) => config.platformImageMirror.startsWith(`${r}/`))).toBe(true);
  });

  it('creates the cluster only after the deny-by-default policy exists', () => {
    expect(gke.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_binary_authorization_policy\.platform_binary-authorization_policy_[A-F0-9]+$/)]));
  });

  it('enables exactly the apis the platform resources call, and never disables them on destroy', () => {
    const services = all(json, 'google_project_service');
    expect(services.map((s) => s.service).sort()).toEqual([
      'artifactregistry.googleapis.com',
      'binaryauthorization.googleapis.com',
      'cloudkms.googleapis.com',
      'cloudresourcemanager.googleapis.com',
      'compute.googleapis.com',
      'container.googleapis.com',
      'iam.googleapis.com',
      'iamcredentials.googleapis.com',
      'logging.googleapis.com',
      'monitoring.googleapis.com',
    ]);
    expect(services.map((s) => s.service).sort()).toEqual([...PLATFORM_SERVICES].sort());
    for (const s of services) {
      expect(s).toMatchObject({ project: config.projectId, disable_on_destroy: false, disable_dependent_services: false });
    }
  });

  it('creates the key ring, network, identities, Binary Authorization policy, cluster and Cloud Armor only after the apis are on', () => {
    const serviceRefs = Object.keys(json.resource.google_project_service as Json).map((id) => `google_project_service.${id}`);
    expect(serviceRefs).toHaveLength(PLATFORM_SERVICES.length);
    const dependents: Json[] = [
      one(json, 'google_kms_key_ring', 'platform_key-ring'),
      // Velero's backup key ring (its service account is among the service accounts below).
      one(json, 'google_kms_key_ring', 'backup-storage'),
      one(json, 'google_compute_network'),
      one(json, 'google_binary_authorization_policy'),
      gke,
      one(json, 'google_compute_security_policy'),
      one(json, 'google_compute_ssl_policy'),
      one(json, 'google_artifact_registry_repository'),
      ...all(json, 'google_service_account'),
      ...Object.entries(json.resource.google_project_iam_member as Json)
        .filter(([id]) => id.includes('admin-viewer'))
        .map(([, r]) => r as Json),
    ];
    expect(dependents).toHaveLength(11 + config.adminPrincipals.length);
    for (const resource of dependents) expect(resource.depends_on).toEqual(expect.arrayContaining(serviceRefs));
  });

  it('keeps the api enablements at the head of the platform with stable ids', () => {
    expect(Object.keys(json.resource.google_project_service as Json)).toContainEqual(expect.stringMatching(/^platform_services_container_[A-F0-9]+$/));
    expect(one(json, 'google_kms_key_ring', 'platform_key-ring').depends_on).toContainEqual(expect.stringMatching(/^google_project_service\.platform_services_cloudkms_[A-F0-9]+$/));
  });
});

describe('GcpPlatformStack opt-outs', () => {
  it('opens the dev public endpoint only to its allow-list, and points the contract at the public endpoint', () => {
    const { json, stack } = synth({ ...gcpDev, publicApiEndpoint: { enabled: true, allowedCidrs: ['203.0.113.0/24'] } });
    const gke = one(json, 'google_container_cluster');
    expect(gke.private_cluster_config.enable_private_endpoint).toBe(false);
    expect(gke.master_authorized_networks_config.cidr_blocks.map((b: Json) => b.cidr_block)).toEqual([...gcpDev.adminCidrs, '203.0.113.0/24']);
    expect(resolve(stack, stack.contract.access.host)).toMatch(/^https:\/\/\$\{google_container_cluster\.platform_gke_cluster_[A-F0-9]+\.endpoint\}$/);
  });

  it('rejects a public endpoint open to 0.0.0.0/0 even if config validation were bypassed', () => {
    expect(() => synth({ ...gcpDev, publicApiEndpoint: { enabled: true, allowedCidrs: ['0.0.0.0/0'] } })).toThrow(
      'gke cluster finplat-dev: publicEndpoint.authorizedCidrs must not contain "0.0.0.0/0"',
    );
  });

  it('rejects a public endpoint with an empty allow-list', () => {
    expect(() => synth({ ...gcpDev, publicApiEndpoint: { enabled: true, allowedCidrs: [] } })).toThrow('publicEndpoint.authorizedCidrs must list at least one network');
  });

  it('rejects 0.0.0.0/0 as an admin network', () => {
    expect(() => synth({ ...gcpProd, adminCidrs: ['0.0.0.0/0'] })).toThrow('gke cluster finplat-prod: authorizedNetworks must not contain "0.0.0.0/0"');
  });

  it('rejects a wildcard-only registry even if config validation were bypassed', () => {
    expect(() => synth({ ...gcpProd, allowedRegistries: ['*'] })).toThrow('binary authorization policy: allowedRegistries entries must be a registry path without wildcards');
  });

  it('rejects an empty admin principal list', () => {
    expect(() => synth({ ...gcpProd, adminPrincipals: [] })).toThrow('gcp platform finplat-prod: adminPrincipals must list at least one IAM group, got none');
  });

  it('rejects a name prefix too long for service account ids', () => {
    expect(() => synth({ ...gcpDev, namePrefix: 'finplatformteam' , name: 'staging', tier: 'staging' })).toThrow('gcp platform: name must be at most 22 characters');
  });
});
