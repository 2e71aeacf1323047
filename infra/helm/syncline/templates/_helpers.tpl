{{/*
Names and labels, Bitnami style: every resource carries app.kubernetes.io/{name,instance,version,
managed-by} and helm.sh/chart; selectors use only name, instance and component, which never change
on upgrade.
*/}}
{{- define "syncline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "syncline.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "syncline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "syncline.labels" -}}
app.kubernetes.io/name: {{ include "syncline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: syncline
helm.sh/chart: {{ include "syncline.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "syncline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "syncline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Annotations of every resource (commonAnnotations): a metadata "annotations:" key, or nothing. */}}
{{- define "syncline.annotations" -}}
{{- with .Values.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "syncline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "syncline.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "syncline.image" -}}
{{- $repository := .Values.image.repository -}}
{{- if .Values.image.registry -}}
{{- $repository = printf "%s/%s" .Values.image.registry .Values.image.repository -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The Secret whose keys become environment variables, or "" when there is none. */}}
{{- define "syncline.envSecretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else if .Values.secrets.env -}}
{{- printf "%s-env" (include "syncline.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The Secret mounted as files, or "" when there is none. */}}
{{- define "syncline.filesSecretName" -}}
{{- if .Values.secrets.existingFilesSecret -}}
{{- .Values.secrets.existingFilesSecret -}}
{{- else if .Values.secrets.files -}}
{{- printf "%s-files" (include "syncline.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
The syncline config as every role reads it: the values' `config`, with what the chart decides laid
over it: the metrics server listens on all addresses (probes and Prometheus reach it from outside
the pod) on one container port for every role, and the state stores live on the state volume.
*/}}
{{- define "syncline.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- $port := int .Values.metrics.containerPort -}}
{{- $_ := set $config "metrics" (dict "host" "0.0.0.0" "ports" (dict "ingest" $port "offers" $port "sink" $port "register-index" $port)) -}}
{{- $processing := default (dict) $config.processing -}}
{{- $_ := set $processing "stateDir" "/var/lib/syncline/state" -}}
{{- $_ := set $config "processing" $processing -}}
{{- toYaml $config -}}
{{- end -}}

{{/* The channels that have a sink, each delivered by a Deployment of its own. */}}
{{- define "syncline.sinkChannels" -}}
{{- $ids := list -}}
{{- range .Values.config.channels -}}
{{- if .sink -}}
{{- $ids = append $ids .id -}}
{{- end -}}
{{- end -}}
{{- toJson $ids -}}
{{- end -}}

{{- define "syncline.pdb" -}}
{{- $ := .root -}}
{{- if and .settings.pdb.create (gt (int .replicas) 0) }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "syncline.labels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
  {{- include "syncline.annotations" $ }}
spec:
  {{- if not (eq (toString .settings.pdb.minAvailable) "") }}
  minAvailable: {{ .settings.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ default 1 .settings.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "syncline.selectorLabels" $ | nindent 6 }}
      app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}
