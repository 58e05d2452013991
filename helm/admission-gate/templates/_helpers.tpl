{{- define "admission-gate.fullname" -}}
{{- printf "%s-admission-gate" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "admission-gate.selectorLabels" -}}
app.kubernetes.io/name: admission-gate
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "admission-gate.labels" -}}
{{ include "admission-gate.selectorLabels" . }}
app.kubernetes.io/part-of: sigstack
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "admission-gate.checkReplicas" -}}
{{- if and .Values.podDisruptionBudget.enabled (lt (int .Values.replicas) 2) -}}
{{- fail "admission-gate: replicas must be at least 2 with a PodDisruptionBudget (failurePolicy Fail blocks the cluster when the only pod is gone)" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (ge (int .Values.podDisruptionBudget.maxUnavailable) (int .Values.replicas)) -}}
{{- fail "admission-gate: podDisruptionBudget.maxUnavailable must be below replicas" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (lt (int .Values.podDisruptionBudget.maxUnavailable) 1) -}}
{{- fail "admission-gate: podDisruptionBudget.maxUnavailable must be at least 1, or no upgrade can evict a pod (helm-charts#806)" -}}
{{- end -}}
{{- end -}}

{{/* The serving certificate: given in values, kept from the existing Secret, or created once. */}}
{{- define "admission-gate.tls" -}}
{{- $secretName := printf "%s-tls" (include "admission-gate.fullname" .) -}}
{{- $svc := include "admission-gate.fullname" . -}}
{{- if and .Values.webhook.tls.caBundle .Values.webhook.tls.cert .Values.webhook.tls.key -}}
{{- dict "ca" .Values.webhook.tls.caBundle "cert" .Values.webhook.tls.cert "key" .Values.webhook.tls.key | toJson -}}
{{- else -}}
{{- $existing := dict -}}
{{- if .Values.webhook.tls.keepExisting -}}
{{- $existing = lookup "v1" "Secret" .Release.Namespace $secretName -}}
{{- end -}}
{{- if and $existing (index $existing.data "ca.crt") -}}
{{- dict "ca" (index $existing.data "ca.crt" | b64dec) "cert" (index $existing.data "tls.crt" | b64dec) "key" (index $existing.data "tls.key" | b64dec) | toJson -}}
{{- else -}}
{{- $ca := genCA (printf "%s-webhook-ca" $svc) 3650 -}}
{{- $dns := list $svc (printf "%s.%s" $svc .Release.Namespace) (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) -}}
{{- $cert := genSignedCert (printf "%s.%s.svc" $svc .Release.Namespace) nil $dns 3650 $ca -}}
{{- dict "ca" $ca.Cert "cert" $cert.Cert "key" $cert.Key | toJson -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The workloads the webhooks see: pods, their ephemeral containers (kubectl debug), and every kind that makes pods.
Must equal AdmissionHandler.webhooks() (admission-gate's WebhookRulesChartTest renders this chart and compares).
*/}}
{{- define "admission-gate.rules" -}}
- apiGroups: [""]
  apiVersions: [v1]
  operations: [CREATE, UPDATE]
  resources: [pods, pods/ephemeralcontainers, replicationcontrollers]
  scope: Namespaced
- apiGroups: [apps]
  apiVersions: [v1]
  operations: [CREATE, UPDATE]
  resources: [deployments, replicasets, statefulsets, daemonsets]
  scope: Namespaced
- apiGroups: [batch]
  apiVersions: [v1]
  operations: [CREATE, UPDATE]
  resources: [jobs, cronjobs]
  scope: Namespaced
{{- end -}}

{{/* ClusterImagePolicy and TrustRoot validation (/validate-policy). */}}
{{- define "admission-gate.policyRules" -}}
- apiGroups: [policy.sigstore.dev]
  apiVersions: [v1alpha1, v1beta1]
  operations: [CREATE, UPDATE]
  resources: [clusterimagepolicies, trustroots]
  scope: Cluster
{{- end -}}

{{/*
The enforcing webhooks' namespaceSelector, also given to the gate (--namespace-selector) so that both decide scope
alike: webhook.namespaceSelector, plus, with break-glass enabled, the break-glass label NotIn ["true"] (that namespace
goes to the audit webhook only).
*/}}
{{- define "admission-gate.namespaceSelector" -}}
{{- $sel := deepCopy .Values.webhook.namespaceSelector -}}
{{- if .Values.breakGlass.enabled -}}
{{- $exprs := default (list) $sel.matchExpressions -}}
{{- $exprs = append $exprs (dict "key" "sigstack.dev/break-glass" "operator" "NotIn" "values" (list "true")) -}}
{{- $_ := set $sel "matchExpressions" $exprs -}}
{{- end -}}
{{- toJson $sel -}}
{{- end -}}
