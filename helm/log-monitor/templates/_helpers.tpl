{{- define "log-monitor.fullname" -}}
{{- printf "%s-log-monitor" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "log-monitor.selectorLabels" -}}
app.kubernetes.io/name: log-monitor
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "log-monitor.labels" -}}
{{ include "log-monitor.selectorLabels" . }}
app.kubernetes.io/part-of: sigstack
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* image: repository/name@digest when image.digest is set (it wins over the tag), else repository/name:tag. */}}
{{- define "log-monitor.image" -}}
{{- $repo := .Values.image.repository | default .Values.global.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s/%s@%s" $repo .Values.image.name .Values.image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $repo .Values.image.name (.Values.image.tag | default .Values.global.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "log-monitor.claim" -}}
{{- .Values.state.existingClaim | default (printf "%s-state" (include "log-monitor.fullname" .)) -}}
{{- end -}}

{{- define "log-monitor.logUrl" -}}
{{- .Values.log.url | default (printf "http://%s-tlog-service-rekor.%s.svc:3000" .Release.Name .Release.Namespace) -}}
{{- end -}}
