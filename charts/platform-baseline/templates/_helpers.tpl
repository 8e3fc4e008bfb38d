{{/* Common labels on every object, so an auditor can list everything the baseline owns. */}}
{{- define "baseline.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: platform-baseline
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels selecting the egress gateway's pods (its Gateway, Service, policies and the workload namespaces' NetworkPolicy). */}}
{{- define "baseline.egressGatewaySelector" -}}
istio: egressgateway
app: {{ .Values.egressGateway.name }}
{{- end -}}

{{/* The declared destinations' distinct ports as NetworkPolicy port entries (list items at column 0; callers indent). */}}
{{- define "baseline.egressGatewayPorts" -}}
{{- $ports := dict }}
{{- range .Values.egressGateway.destinations }}
{{- $_ := set $ports (toString .port) true }}
{{- end }}
{{- range $port, $_ := $ports }}
- protocol: TCP
  port: {{ $port }}
{{- end }}
{{- end -}}
