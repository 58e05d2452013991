/**
 * The gate's view of the cluster through fabric8 informers (Kubernetes API watch semantics): ClusterImagePolicies,
 * TrustRoots, Secrets and the {@code config-policy-controller} ConfigMap of the gate's namespace, namespace labels,
 * and Events written on workloads.
 */
package dev.sigstack.gate.kube;
