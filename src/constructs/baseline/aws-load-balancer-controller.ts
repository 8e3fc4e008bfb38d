/**
 * AWS Load Balancer Controller (EKS only, opt-in): provisions ALBs for
 * ingresses and attaches the WAFv2 web ACL named in their annotations
 * (cluster.ingressWaf.ingressAnnotations). Kept in this one file so the rest
 * of the baseline stays cloud-neutral.
 */
import { Construct } from 'constructs';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { BASELINE_SERVICE_ACCOUNTS, type ClusterContract } from '../contract';
import { BASELINE_CHARTS, baselineRelease, type HelmValues } from './helm-defaults';
import { mirrorRepositoryValues } from './images';
import type { AwsLoadBalancerControllerProps } from './settings';

/** Key of the controller's identity in cluster.controllerIdentities. */
export const AWS_LBC_IDENTITY_KEY = 'aws-load-balancer-controller';

export function awsLoadBalancerControllerValues(cluster: ClusterContract, props: AwsLoadBalancerControllerProps, imageMirror: string): HelmValues {
  const identity = cluster.controllerIdentities[AWS_LBC_IDENTITY_KEY];
  if (!identity) {
    throw new Error(
      `cluster.controllerIdentities has no '${AWS_LBC_IDENTITY_KEY}' entry (got ${JSON.stringify(Object.keys(cluster.controllerIdentities))}): the platform must bind its IAM role first`,
    );
  }
  return {
    clusterName: cluster.clusterName,
    region: props.region,
    vpcId: props.vpcId,
    replicaCount: 2,
    // From the mirror (kube-system is outside the Kyverno policies, but the node still pulls only
    // scanned, signed copies).
    image: mirrorRepositoryValues(imageMirror, 'awsLoadBalancerController'),
    // IRSA / Pod Identity: the IAM role is bound to exactly this service account; no node-role credentials.
    serviceAccount: {
      create: true,
      name: BASELINE_SERVICE_ACCOUNTS.awsLoadBalancerController.name,
      annotations: { ...identity.serviceAccountAnnotations },
    },
    podLabels: { ...identity.podLabels },
    // PCI-DSS 4.0 6.4.2: public web applications sit behind the WAFv2 web ACL.
    enableWafv2: true,
  };
}

export interface AwsLoadBalancerControllerReleaseProps {
  /** The EKS cluster: its name, and the controller's Pod Identity binding in `controllerIdentities` (required). */
  readonly cluster: ClusterContract;
  /** The VPC and region the controller would otherwise read from IMDS, which the nodes' hop limit of 1 denies pods. */
  readonly controller: AwsLoadBalancerControllerProps;
  /** Registry path the image is pulled from (see images.ts). */
  readonly imageMirror: string;
}

/**
 * The AWS Load Balancer Controller in kube-system, two replicas from the image mirror, running as the service account its own
 * IAM role is bound to (no node-role credentials), with WAFv2 support on so ingress load balancers get the cluster's web ACL.
 */
export class AwsLoadBalancerController extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerReleaseProps) {
    super(scope, id);
    this.release = baselineRelease(this, 'release', {
      chart: BASELINE_CHARTS.awsLoadBalancerController,
      name: 'aws-load-balancer-controller',
      // kube-system: the platform stack binds the IAM role to kube-system/aws-load-balancer-controller.
      namespace: BASELINE_SERVICE_ACCOUNTS.awsLoadBalancerController.namespace,
      values: awsLoadBalancerControllerValues(props.cluster, props.controller, props.imageMirror),
    });
  }
}
