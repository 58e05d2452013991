/**
 * The admission webhook: Kubernetes {@code admission.k8s.io/v1} AdmissionReview
 * (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/) over TLS on Helidon SE,
 * a validating path (policies) and a mutating path (tag to digest, JSONPatch RFC 6902), namespace scoping with
 * {@code policy.sigstore.dev/include=true}, break-glass namespaces, Events and Prometheus metrics (text exposition
 * format 0.0.4).
 */
package dev.sigstack.gate.admission;
