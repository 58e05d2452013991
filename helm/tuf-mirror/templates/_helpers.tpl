{{- define "tuf-mirror.fullname" -}}
{{- printf "%s-tuf-mirror" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tuf-mirror.selectorLabels" -}}
app.kubernetes.io/name: tuf-mirror
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tuf-mirror.labels" -}}
{{ include "tuf-mirror.selectorLabels" . }}
app.kubernetes.io/part-of: sigstack
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "tuf-mirror.checkReplicas" -}}
{{- if and .Values.podDisruptionBudget.enabled (lt (int .Values.replicas) 2) -}}
{{- fail "tuf-mirror: replicas must be at least 2 with a PodDisruptionBudget" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (ge (int .Values.podDisruptionBudget.maxUnavailable) (int .Values.replicas)) -}}
{{- fail "tuf-mirror: podDisruptionBudget.maxUnavailable must be below replicas" -}}
{{- end -}}
{{- end -}}

{{/* image: repository/name@digest when image.digest is set (it wins over the tag), else repository/name:tag. */}}
{{- define "tuf-mirror.image" -}}
{{- $repo := .Values.image.repository | default .Values.global.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s/%s@%s" $repo .Values.image.name .Values.image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $repo .Values.image.name (.Values.image.tag | default .Values.global.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "tuf-mirror.claim" -}}
{{- .Values.repository.existingClaim | default (printf "%s-repository" (include "tuf-mirror.fullname" .)) -}}
{{- end -}}
