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
the pod) on one container port for every role, the state stores live on the state volume, and
Kafka and registry security point at the mounted Secret files (syncline.securedConfig).
*/}}
{{- define "syncline.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- $port := int .Values.metrics.containerPort -}}
{{- $_ := set $config "metrics" (dict "host" "0.0.0.0" "ports" (dict "ingest" $port "offers" $port "sink" $port "register-index" $port)) -}}
{{- $processing := default (dict) $config.processing -}}
{{- $_ := set $processing "stateDir" "/var/lib/syncline/state" -}}
{{- $_ := set $config "processing" $processing -}}
{{- include "syncline.checkSecurity" . -}}
{{- include "syncline.securedConfig" (dict "config" $config "root" .) -}}
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

{{/*
Kafka and schema registry security: where the chart mounts each Secret, and the Secret it makes
for a password or token given in values. The rendered config points at the mounted files
(`passwordFile`, `tokenFile`, `caFile`, ...), so the ConfigMap never holds a secret.
*/}}
{{- define "syncline.securitySecretName" -}}
{{- printf "%s-security" (include "syncline.fullname" .) -}}
{{- end -}}

{{/* The data of the Secret the chart makes for security values, or "" when it needs none. */}}
{{- define "syncline.securitySecretData" -}}
{{- $data := dict -}}
{{- if and .Values.kafkaSasl.enabled (not .Values.kafkaSasl.existingSecret) .Values.kafkaSasl.password -}}
{{- $_ := set $data "kafka-sasl-password" (.Values.kafkaSasl.password | b64enc) -}}
{{- end -}}
{{- if not .Values.registryAuth.existingSecret -}}
{{- if and (eq .Values.registryAuth.type "basic") .Values.registryAuth.password -}}
{{- $_ := set $data "registry-password" (.Values.registryAuth.password | b64enc) -}}
{{- end -}}
{{- if and (eq .Values.registryAuth.type "bearer") .Values.registryAuth.token -}}
{{- $_ := set $data "registry-token" (.Values.registryAuth.token | b64enc) -}}
{{- end -}}
{{- end -}}
{{- if $data -}}
{{- toYaml $data -}}
{{- end -}}
{{- end -}}

{{/* Refuses security values that cannot work, naming the key. */}}
{{- define "syncline.checkSecurity" -}}
{{- if .Values.kafkaSasl.enabled -}}
{{- if not .Values.kafkaSasl.username -}}
{{- fail "kafkaSasl.username: required when kafkaSasl.enabled is true" -}}
{{- end -}}
{{- if not (or .Values.kafkaSasl.existingSecret .Values.kafkaSasl.password) -}}
{{- fail "kafkaSasl: give kafkaSasl.existingSecret (preferred) or kafkaSasl.password when kafkaSasl.enabled is true" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.kafkaTls.clientSecret (not .Values.kafkaTls.enabled) -}}
{{- fail "kafkaTls.clientSecret: a client certificate needs kafkaTls.enabled: true" -}}
{{- end -}}
{{- if eq .Values.registryAuth.type "basic" -}}
{{- if not .Values.registryAuth.username -}}
{{- fail "registryAuth.username: required when registryAuth.type is basic" -}}
{{- end -}}
{{- if not (or .Values.registryAuth.existingSecret .Values.registryAuth.password) -}}
{{- fail "registryAuth: give registryAuth.existingSecret (preferred) or registryAuth.password when registryAuth.type is basic" -}}
{{- end -}}
{{- end -}}
{{- if and (eq .Values.registryAuth.type "bearer") (not (or .Values.registryAuth.existingSecret .Values.registryAuth.token)) -}}
{{- fail "registryAuth: give registryAuth.existingSecret (preferred) or registryAuth.token when registryAuth.type is bearer" -}}
{{- end -}}
{{- end -}}

{{/* The config's kafka and schemaRegistry sections with the security values laid over them. */}}
{{- define "syncline.securedConfig" -}}
{{- $config := .config -}}
{{- $values := .root.Values -}}
{{- $kafka := default (dict) $config.kafka -}}
{{- if $values.kafkaTls.enabled -}}
{{- $tls := dict -}}
{{- if $values.kafkaTls.caSecret -}}
{{- $_ := set $tls "caFile" "/etc/syncline/kafka-tls/ca/ca.crt" -}}
{{- end -}}
{{- if $values.kafkaTls.clientSecret -}}
{{- $_ := set $tls "certFile" "/etc/syncline/kafka-tls/client/tls.crt" -}}
{{- $_ := set $tls "keyFile" "/etc/syncline/kafka-tls/client/tls.key" -}}
{{- end -}}
{{- if $values.kafkaTls.servername -}}
{{- $_ := set $tls "servername" $values.kafkaTls.servername -}}
{{- end -}}
{{- $_ := set $kafka "tls" $tls -}}
{{- end -}}
{{- if $values.kafkaSasl.enabled -}}
{{- $_ := set $kafka "sasl" (dict "mechanism" $values.kafkaSasl.mechanism "username" $values.kafkaSasl.username "passwordFile" "/etc/syncline/kafka-sasl/password") -}}
{{- end -}}
{{- $_ := set $config "kafka" $kafka -}}
{{- $registry := default (dict) $config.schemaRegistry -}}
{{- if eq $values.registryAuth.type "basic" -}}
{{- $_ := set $registry "basicAuth" (dict "username" $values.registryAuth.username "passwordFile" "/etc/syncline/registry-auth/password") -}}
{{- end -}}
{{- if eq $values.registryAuth.type "bearer" -}}
{{- $_ := set $registry "bearerToken" (dict "tokenFile" "/etc/syncline/registry-auth/token") -}}
{{- end -}}
{{- if $values.registryAuth.caSecret -}}
{{- $_ := set $registry "tls" (dict "caFile" "/etc/syncline/registry-ca/ca.crt") -}}
{{- end -}}
{{- $_ := set $config "schemaRegistry" $registry -}}
{{- end -}}

{{/* The volumes of the security Secrets (each key mapped to the file name the config names). */}}
{{- define "syncline.securityVolumes" -}}
{{- $values := .Values -}}
{{- $own := include "syncline.securitySecretName" . -}}
{{- if and $values.kafkaTls.enabled $values.kafkaTls.caSecret }}
- name: kafka-tls-ca
  secret:
    secretName: {{ $values.kafkaTls.caSecret }}
    defaultMode: 0440
    items:
      - { key: {{ $values.kafkaTls.caKey | quote }}, path: ca.crt }
{{- end }}
{{- if and $values.kafkaTls.enabled $values.kafkaTls.clientSecret }}
- name: kafka-tls-client
  secret:
    secretName: {{ $values.kafkaTls.clientSecret }}
    defaultMode: 0440
    items:
      - { key: {{ $values.kafkaTls.certKey | quote }}, path: tls.crt }
      - { key: {{ $values.kafkaTls.keyKey | quote }}, path: tls.key }
{{- end }}
{{- if $values.kafkaSasl.enabled }}
- name: kafka-sasl
  secret:
    secretName: {{ default $own $values.kafkaSasl.existingSecret }}
    defaultMode: 0440
    items:
      - { key: {{ ternary $values.kafkaSasl.passwordKey "kafka-sasl-password" (ne $values.kafkaSasl.existingSecret "") | quote }}, path: password }
{{- end }}
{{- if ne $values.registryAuth.type "none" }}
{{- $basic := eq $values.registryAuth.type "basic" }}
- name: registry-auth
  secret:
    secretName: {{ default $own $values.registryAuth.existingSecret }}
    defaultMode: 0440
    items:
      {{- if $values.registryAuth.existingSecret }}
      - { key: {{ ternary $values.registryAuth.passwordKey $values.registryAuth.tokenKey $basic | quote }}, path: {{ ternary "password" "token" $basic }} }
      {{- else }}
      - { key: {{ ternary "registry-password" "registry-token" $basic }}, path: {{ ternary "password" "token" $basic }} }
      {{- end }}
{{- end }}
{{- if $values.registryAuth.caSecret }}
- name: registry-ca
  secret:
    secretName: {{ $values.registryAuth.caSecret }}
    defaultMode: 0440
    items:
      - { key: {{ $values.registryAuth.caKey | quote }}, path: ca.crt }
{{- end }}
{{- end -}}

{{/* Where the security volumes are mounted: the paths syncline.securedConfig writes into the config. */}}
{{- define "syncline.securityMounts" -}}
{{- $values := .Values -}}
{{- if and $values.kafkaTls.enabled $values.kafkaTls.caSecret }}
- { name: kafka-tls-ca, mountPath: /etc/syncline/kafka-tls/ca, readOnly: true }
{{- end }}
{{- if and $values.kafkaTls.enabled $values.kafkaTls.clientSecret }}
- { name: kafka-tls-client, mountPath: /etc/syncline/kafka-tls/client, readOnly: true }
{{- end }}
{{- if $values.kafkaSasl.enabled }}
- { name: kafka-sasl, mountPath: /etc/syncline/kafka-sasl, readOnly: true }
{{- end }}
{{- if ne $values.registryAuth.type "none" }}
- { name: registry-auth, mountPath: /etc/syncline/registry-auth, readOnly: true }
{{- end }}
{{- if $values.registryAuth.caSecret }}
- { name: registry-ca, mountPath: /etc/syncline/registry-ca, readOnly: true }
{{- end }}
{{- end -}}
