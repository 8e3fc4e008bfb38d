{{/* Common labels on every object, so an auditor can list everything the PKI chart owns. */}}
{{- define "pki.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: platform-pki
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Names of the in-cluster CA, per environment. */}}
{{- define "pki.bootstrapIssuer" -}}platform-{{ .Values.environment }}-bootstrap{{- end -}}
{{- define "pki.rootCA" -}}platform-{{ .Values.environment }}-root-ca{{- end -}}
{{- define "pki.caIssuer" -}}platform-{{ .Values.environment }}-ca{{- end -}}

{{/* True (non-empty) when the chart renders the in-cluster CA: no organisation issuer is named. */}}
{{- define "pki.inClusterCA" -}}{{- if not .Values.vault.issuerRef.name -}}true{{- end -}}{{- end -}}

{{/*
Fails unless renewBefore is shorter than duration (both whole hours): cert-manager would reject
the Certificate at apply time; this fails at render time instead. Argument: (list <what> <dict>).
*/}}
{{- define "pki.checkLifetime" -}}
{{- $what := index . 0 -}}
{{- $c := index . 1 -}}
{{- if ge (atoi (trimSuffix "h" $c.renewBefore)) (atoi (trimSuffix "h" $c.duration)) -}}
{{- fail (printf "%s.renewBefore (%s) must be shorter than %s.duration (%s)" $what $c.renewBefore $what $c.duration) -}}
{{- end -}}
{{- end -}}
