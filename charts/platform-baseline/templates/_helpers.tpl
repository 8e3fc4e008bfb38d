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

{{/* The declared destinations' distinct ports, sorted and comma-separated ("" when none): the one source of every port list of the gateway. */}}
{{- define "baseline.egressGatewayPortList" -}}
{{- $ports := dict }}
{{- range .Values.egressGateway.destinations }}
{{- $_ := set $ports (toString .port) true }}
{{- end }}
{{- keys $ports | sortAlpha | join "," }}
{{- end -}}

{{/* The declared destinations' distinct ports as NetworkPolicy port entries (list items at column 0; callers indent). */}}
{{- define "baseline.egressGatewayPorts" -}}
{{- range $port := compact (splitList "," (include "baseline.egressGatewayPortList" .)) }}
- protocol: TCP
  port: {{ $port }}
{{- end }}
{{- end -}}
