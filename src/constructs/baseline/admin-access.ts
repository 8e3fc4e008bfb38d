/**
 * Cluster-admin for the platform's admin groups where the cloud's IAM does not
 * grant it (GKE: IAM gives only container.clusterViewer, so deleting a
 * cluster needs a different role; Kubernetes rights come from RBAC through
 * Google Groups for RBAC). EKS and AKS grant admin in IAM and pass no groups.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';

export interface ClusterAdminAccessProps {
  /** Group names (e.g. Google group e-mail addresses) bound to cluster-admin. */
  readonly groups: readonly string[];
}

/**
 * One ClusterRoleBinding to cluster-admin per named group (group e-mail addresses only), with ids that follow the group, for
 * clouds whose IAM grants no Kubernetes admin (GKE); bindings are labelled so an auditor can list every admin grant.
 */
export class ClusterAdminAccess extends Construct {
  /** One binding per group, keyed by group. */
  readonly bindings: Readonly<Record<string, ClusterRoleBindingV1>>;

  constructor(scope: Construct, id: string, props: ClusterAdminAccessProps) {
    super(scope, id);
    const bindings: Record<string, ClusterRoleBindingV1> = {};
    for (const group of props.groups) {
      if (!Token.isUnresolved(group) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(group)) {
        throw new Error(`cluster admin access: groups must be group e-mail addresses, got ${JSON.stringify(group)}`);
      }
      // Ids follow the group, not its position: reordering the list replaces nothing.
      const name = `platform-admins-${group.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
      bindings[group] = new ClusterRoleBindingV1(this, name, {
        metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'terraform', 'platform.finplat.io/access': 'cluster-admin' } },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subject: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
      });
    }
    this.bindings = bindings;
  }
}
