{{- define "ca-service.fullname" -}}
{{- printf "%s-ca-service" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ca-service.selectorLabels" -}}
app.kubernetes.io/name: ca-service
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ca-service.labels" -}}
{{ include "ca-service.selectorLabels" . }}
app.kubernetes.io/part-of: sigstack
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ca-service.checkReplicas" -}}
{{- if and .Values.podDisruptionBudget.enabled (lt (int .Values.replicas) 2) -}}
{{- fail "ca-service: replicas must be at least 2 with a PodDisruptionBudget" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (ge (int .Values.podDisruptionBudget.maxUnavailable) (int .Values.replicas)) -}}
{{- fail "ca-service: podDisruptionBudget.maxUnavailable must be below replicas" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (lt (int .Values.podDisruptionBudget.maxUnavailable) 1) -}}
{{- fail "ca-service: podDisruptionBudget.maxUnavailable must be at least 1, or no upgrade can evict a pod" -}}
{{- end -}}
{{- end -}}

{{/* image: repository/name@digest when image.digest is set (it wins over the tag), else repository/name:tag. */}}
{{- define "ca-service.image" -}}
{{- $repo := .Values.image.repository | default .Values.global.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s/%s@%s" $repo .Values.image.name .Values.image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $repo .Values.image.name (.Values.image.tag | default .Values.global.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Ingress host: hostname, else the host of global.urls.fulcio. */}}
{{- define "ca-service.host" -}}
{{- .Values.hostname | default (urlParse .Values.global.urls.fulcio).host -}}
{{- end -}}
