{{/* Called with (dict "root" $ "log" $log). */}}
{{- define "tlog-service.fullname" -}}
{{- printf "%s-tlog-service-%s" .root.Release.Name .log.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tlog-service.selectorLabels" -}}
app.kubernetes.io/name: tlog-service
app.kubernetes.io/instance: {{ .root.Release.Name }}
sigstack.dev/log: {{ .log.name }}
{{- end -}}

{{- define "tlog-service.labels" -}}
{{ include "tlog-service.selectorLabels" . }}
app.kubernetes.io/part-of: sigstack
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "tlog-service.checkReplicas" -}}
{{- if and .Values.podDisruptionBudget.enabled (lt (int .Values.replicas) 2) -}}
{{- fail "tlog-service: replicas must be at least 2 with a PodDisruptionBudget" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (ge (int .Values.podDisruptionBudget.maxUnavailable) (int .Values.replicas)) -}}
{{- fail "tlog-service: podDisruptionBudget.maxUnavailable must be below replicas" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (lt (int .Values.podDisruptionBudget.maxUnavailable) 1) -}}
{{- fail "tlog-service: podDisruptionBudget.maxUnavailable must be at least 1, or no upgrade can evict a pod" -}}
{{- end -}}
{{- end -}}

{{/* image: repository/name@digest when image.digest is set (it wins over the tag), else repository/name:tag. Called with the root. */}}
{{- define "tlog-service.image" -}}
{{- $repo := .Values.image.repository | default .Values.global.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s/%s@%s" $repo .Values.image.name .Values.image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $repo .Values.image.name (.Values.image.tag | default .Values.global.image.tag) -}}
{{- end -}}
{{- end -}}
