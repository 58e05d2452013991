/**
 * ClusterImagePolicy {@code policy.sigstore.dev/v1alpha1} and {@code v1beta1}: the resource model, its validation with
 * policy-controller's rules and wording (knative {@code apis.FieldError} formatting), image globs with the
 * {@code index.docker.io} defaulting of go-containerregistry, and the {@code config-policy-controller} ConfigMap.
 *
 * <p>Sources: sigstore/policy-controller {@code pkg/apis/policy/v1alpha1/clusterimagepolicy_validation.go},
 * {@code pkg/apis/policy/v1beta1}, {@code pkg/apis/glob/glob.go}, {@code pkg/config/store.go}.
 */
package dev.sigstack.gate.policy;
