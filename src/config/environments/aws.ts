/**
 * AWS environments. Account ids, principals and buckets are the project's
 * reference values; replace them with your organisation's before deploying.
 */
import type { AwsEnvironmentConfig } from '../schema';
import { PIPELINE_REPOSITORY } from './ci';
import { RELEASE_COSIGN_PUBLIC_KEY } from './signing';

export const awsDev: AwsEnvironmentConfig = {
  cloud: 'aws',
  namePrefix: 'finplat',
  kubernetesVersion: '1.34',
  allowedRegistries: ['111111111111.dkr.ecr.eu-west-1.amazonaws.com'],
  platformImageMirror: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror',
  publicApiEndpoint: { enabled: false, allowedCidrs: [] },
  cosignPublicKey: RELEASE_COSIGN_PUBLIC_KEY,
  adminCidrs: ['10.255.0.0/20'],
  environment: 'dev',
  accountId: '111111111111',
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  network: {
    vpcCidr: '10.10.0.0/16',
    publicSubnetCidrs: ['10.10.0.0/24', '10.10.1.0/24'],
    privateSubnetCidrs: ['10.10.32.0/19', '10.10.64.0/19'],
    intraSubnetCidrs: ['10.10.8.0/26', '10.10.8.64/26'],
    natGateways: 'single',
    flowLogRetentionDays: 365,
  },
  nodePools: {
    app: { machineType: 'm5.xlarge', minSize: 2, maxSize: 6, desiredSize: 2, diskSizeGb: 100 },
    security: { machineType: 'c5.large', minSize: 2, maxSize: 3, desiredSize: 2, diskSizeGb: 50 },
  },
  adminPrincipals: ['arn:aws:iam::111111111111:role/platform-admin'],
  gitOps: { repoUrl: 'https://git.example.com/platform/gitops.git', targetRevision: 'main', path: 'clusters/aws-dev' },
  stateBackend: {
    bucket: 'finplat-tfstate-111111111111',
    key: 'aws/dev',
    region: 'eu-west-1',
    kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:alias/terraform-state',
    bootstrapState: 'local',
  },
  ci: { githubRepository: PIPELINE_REPOSITORY },
  tags: { 'cost-center': 'platform', 'data-classification': 'internal' },
};

export const awsStaging: AwsEnvironmentConfig = {
  ...awsDev,
  environment: 'staging',
  accountId: '222222222222',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  allowedRegistries: ['222222222222.dkr.ecr.eu-west-1.amazonaws.com'],
  platformImageMirror: '222222222222.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror',
  network: {
    vpcCidr: '10.20.0.0/16',
    publicSubnetCidrs: ['10.20.0.0/24', '10.20.1.0/24', '10.20.2.0/24'],
    privateSubnetCidrs: ['10.20.32.0/19', '10.20.64.0/19', '10.20.96.0/19'],
    intraSubnetCidrs: ['10.20.8.0/26', '10.20.8.64/26', '10.20.8.128/26'],
    natGateways: 'one-per-az',
    flowLogRetentionDays: 365,
  },
  adminPrincipals: ['arn:aws:iam::222222222222:role/platform-admin'],
  gitOps: { repoUrl: 'https://git.example.com/platform/gitops.git', targetRevision: 'release', path: 'clusters/aws-staging' },
  stateBackend: {
    bucket: 'finplat-tfstate-222222222222',
    key: 'aws/staging',
    region: 'eu-west-1',
    kmsKeyId: 'arn:aws:kms:eu-west-1:222222222222:alias/terraform-state',
    bootstrapState: 'local',
  },
  tags: { 'cost-center': 'platform', 'data-classification': 'confidential' },
};

export const awsProd: AwsEnvironmentConfig = {
  ...awsDev,
  environment: 'prod',
  accountId: '333333333333',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  allowedRegistries: ['333333333333.dkr.ecr.eu-west-1.amazonaws.com'],
  platformImageMirror: '333333333333.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror',
  network: {
    vpcCidr: '10.30.0.0/16',
    publicSubnetCidrs: ['10.30.0.0/24', '10.30.1.0/24', '10.30.2.0/24'],
    privateSubnetCidrs: ['10.30.32.0/19', '10.30.64.0/19', '10.30.96.0/19'],
    intraSubnetCidrs: ['10.30.8.0/26', '10.30.8.64/26', '10.30.8.128/26'],
    natGateways: 'one-per-az',
    flowLogRetentionDays: 400,
  },
  nodePools: {
    app: { machineType: 'm5.xlarge', minSize: 3, maxSize: 6, desiredSize: 3, diskSizeGb: 100 },
    security: { machineType: 'c5.large', minSize: 2, maxSize: 3, desiredSize: 3, diskSizeGb: 50 },
  },
  adminPrincipals: ['arn:aws:iam::333333333333:role/platform-admin', 'arn:aws:iam::333333333333:role/platform-break-glass'],
  gitOps: { repoUrl: 'https://git.example.com/platform/gitops.git', targetRevision: 'v1.0.0', path: 'clusters/aws-prod' },
  stateBackend: {
    bucket: 'finplat-tfstate-333333333333',
    key: 'aws/prod',
    region: 'eu-west-1',
    kmsKeyId: 'arn:aws:kms:eu-west-1:333333333333:alias/terraform-state',
    bootstrapState: 'local',
  },
  tags: { 'cost-center': 'platform', 'data-classification': 'restricted', 'pci-scope': 'in-scope' },
};
