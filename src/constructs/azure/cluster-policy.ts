/**
 * Azure Policy as code for the AKS platform (issue 12 item 5): custom policy definitions that refuse
 * an AKS cluster in the environment's resource group without Azure RBAC for Kubernetes and local
 * accounts off, without a network policy, without customer-managed disk encryption and encryption at
 * host, or with a public API server; and the built-in "Kubernetes cluster pod security restricted
 * standards for Linux-based workloads" initiative, which the AKS Azure Policy add-on enforces inside
 * the cluster. The platform builds every one of these settings already; the policies keep a change
 * made outside this code (portal, CLI, another pipeline) from undoing them, and give the auditor
 * Azure's own compliance view of them.
 *
 * Aliases are those of Azure's built-in AKS definitions (e.g. AKS_EncryptionAtHost_Deny). The
 * cluster-level rules see the cluster resource, whose agentPoolProfiles list every node pool.
 */
import { Construct } from 'constructs';
import { PolicyDefinition } from '@cdktf/provider-azurerm/lib/policy-definition';
import { ResourceGroupPolicyAssignment } from '@cdktf/provider-azurerm/lib/resource-group-policy-assignment';

/** Built-in initiative: Kubernetes cluster pod security restricted standards for Linux-based workloads. */
export const POD_SECURITY_RESTRICTED_INITIATIVE_ID = '/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00';

/** The initiative's own default exclusions: namespaces of AKS and its add-ons. */
export const POD_SECURITY_DEFAULT_EXCLUSIONS = ['kube-system', 'gatekeeper-system', 'azure-arc', 'azure-extensions-usage-system'] as const;

/**
 * Platform namespaces whose node agents need host access by design, each under a reviewed Kyverno
 * PolicyException (policies/exceptions): Falco's kernel sensor and Istio's CNI node agent. The
 * restricted initiative would refuse them; Kyverno still holds them to their exceptions.
 */
export const POD_SECURITY_PLATFORM_EXCLUSIONS = ['falco', 'istio-cni'] as const;

const CLUSTER = 'Microsoft.ContainerService/managedClusters';

type Effect = 'Audit' | 'Deny';

interface Guardrail {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The condition that makes a cluster non-compliant (inside `allOf` with the type check). */
  readonly violation: unknown;
}

/** The custom definitions, by id: what each refuses and why. */
export const AKS_GUARDRAILS: readonly Guardrail[] = [
  {
    id: 'azure-rbac',
    title: 'AKS clusters use Entra ID with Azure RBAC for Kubernetes and no local accounts',
    description: 'Every identity that reaches the Kubernetes API is an Entra ID identity authorised by Azure RBAC, so access is reviewed and revoked centrally (PCI-DSS 7.2.1, 8.2.1; CIS AKS 3.1.x).',
    violation: {
      anyOf: [
        { field: `${CLUSTER}/aadProfile`, exists: 'false' },
        { field: `${CLUSTER}/aadProfile.enableAzureRBAC`, notEquals: 'true' },
        { field: `${CLUSTER}/disableLocalAccounts`, notEquals: 'true' },
      ],
    },
  },
  {
    id: 'network-policy',
    title: 'AKS clusters enforce a network policy',
    description: 'Without a network policy engine the default-deny NetworkPolicies the baseline generates are not enforced (PCI-DSS 1.3.1; CIS AKS 5.4.4).',
    violation: { field: `${CLUSTER}/networkProfile.networkPolicy`, exists: 'false' },
  },
  {
    id: 'disk-encryption',
    title: 'AKS clusters encrypt node disks with a customer-managed key and at host',
    description: 'OS disks are encrypted with the platform disk encryption set (customer-managed key) and temp disks and caches at host (PCI-DSS 3.5.1).',
    violation: {
      anyOf: [
        { field: `${CLUSTER}/diskEncryptionSetID`, exists: 'false' },
        {
          count: { field: `${CLUSTER}/agentPoolProfiles[*]`, where: { field: `${CLUSTER}/agentPoolProfiles[*].enableEncryptionAtHost`, notEquals: 'true' } },
          greater: 0,
        },
      ],
    },
  },
  {
    id: 'private-api-server',
    title: 'AKS clusters have a private API server',
    description: 'The Kubernetes API is reachable only from the private network, never from the internet (PCI-DSS 1.4.1; CIS AKS 5.4.2).',
    violation: { field: `${CLUSTER}/apiServerAccessProfile.enablePrivateCluster`, notEquals: 'true' },
  },
];

/** The policy rule of a guardrail, as Azure Policy reads it. */
export function guardrailRule(guardrail: Guardrail): Record<string, unknown> {
  return { if: { allOf: [{ field: 'type', equals: CLUSTER }, guardrail.violation] }, then: { effect: "[parameters('effect')]" } };
}

/** Props of {@link AksPolicyGuardrails}. */
export interface AksPolicyGuardrailsProps {
  /** Prefix of the definition and assignment names, unique in the subscription (the cluster name). */
  readonly name: string;
  /** The environment's resource group (its id): every assignment is scoped to it. */
  readonly resourceGroupId: string;
  /**
   * Effect of the custom definitions.
   * @default 'Deny'
   */
  readonly effect?: Effect;
  /**
   * Effect of the private-API-server definition: `Audit` only for an environment that opted into a
   * public endpoint (a dev-tier opt-in the configuration refuses elsewhere).
   * @default - the effect of the others
   */
  readonly privateApiServerEffect?: Effect;
  /**
   * Effect of the restricted pod security initiative inside the cluster.
   * @default 'deny'
   */
  readonly podSecurityEffect?: 'audit' | 'deny';
}

/**
 * The custom AKS policy definitions and their assignments at the environment's resource group, and
 * the restricted pod security initiative assigned there too.
 */
export class AksPolicyGuardrails extends Construct {
  /** The custom definitions, by guardrail id. */
  readonly definitions: Readonly<Record<string, PolicyDefinition>>;
  /** Every assignment: one per custom definition, and `pod-security` for the initiative. */
  readonly assignments: Readonly<Record<string, ResourceGroupPolicyAssignment>>;

  constructor(scope: Construct, id: string, props: AksPolicyGuardrailsProps) {
    super(scope, id);
    const effect = props.effect ?? 'Deny';
    const definitions: Record<string, PolicyDefinition> = {};
    const assignments: Record<string, ResourceGroupPolicyAssignment> = {};
    for (const guardrail of AKS_GUARDRAILS) {
      const definition = new PolicyDefinition(this, `${guardrail.id}-definition`, {
        name: `${props.name}-aks-${guardrail.id}`,
        policyType: 'Custom',
        mode: 'Indexed',
        displayName: guardrail.title,
        description: guardrail.description,
        metadata: JSON.stringify({ category: 'Kubernetes', version: '1.0.0', source: 'regulated-k8s-platform' }),
        parameters: JSON.stringify({
          effect: { type: 'String', allowedValues: ['Audit', 'Deny', 'Disabled'], defaultValue: 'Deny', metadata: { displayName: 'Effect' } },
        }),
        policyRule: JSON.stringify(guardrailRule(guardrail)),
      });
      definitions[guardrail.id] = definition;
      const assigned = guardrail.id === 'private-api-server' ? (props.privateApiServerEffect ?? effect) : effect;
      assignments[guardrail.id] = new ResourceGroupPolicyAssignment(this, `${guardrail.id}-assignment`, {
        name: `${props.name}-aks-${guardrail.id}`.slice(0, 64),
        resourceGroupId: props.resourceGroupId,
        policyDefinitionId: definition.id,
        displayName: guardrail.title,
        description: guardrail.description,
        parameters: JSON.stringify({ effect: { value: assigned } }),
        nonComplianceMessage: [{ content: `${guardrail.title}: ${guardrail.description}` }],
      });
    }
    assignments['pod-security'] = new ResourceGroupPolicyAssignment(this, 'pod-security-assignment', {
      name: `${props.name}-aks-pod-security-restricted`.slice(0, 64),
      resourceGroupId: props.resourceGroupId,
      policyDefinitionId: POD_SECURITY_RESTRICTED_INITIATIVE_ID,
      displayName: 'Kubernetes pod security restricted standards (Linux)',
      description: 'The restricted Pod Security Standard enforced by the AKS Azure Policy add-on, beside Kyverno and Pod Security Admission.',
      parameters: JSON.stringify({
        effect: { value: props.podSecurityEffect ?? 'deny' },
        excludedNamespaces: { value: [...POD_SECURITY_DEFAULT_EXCLUSIONS, ...POD_SECURITY_PLATFORM_EXCLUSIONS] },
      }),
      nonComplianceMessage: [{ content: 'Pods must meet the restricted Pod Security Standard (docs/policies.md).' }],
    });
    this.definitions = definitions;
    this.assignments = assignments;
  }
}
