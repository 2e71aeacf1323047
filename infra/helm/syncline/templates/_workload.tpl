{{/*
One role's workload: a Deployment, or a StatefulSet for a processor that keeps its state store
on a volume. Arguments (a dict): root, name, component, role (the CLI role), args (extra CLI
arguments), settings (the role's values), replicas, stateful (bool), extraLabels.
*/}}
{{- define "syncline.workload" -}}
{{- $ := .root -}}
{{- $settings := .settings -}}
{{- $persistent := and .stateful $settings.persistence.enabled -}}
{{- $component := .component -}}
apiVersion: apps/v1
kind: {{ ternary "StatefulSet" "Deployment" .stateful }}
metadata:
  name: {{ .name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "syncline.labels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
    {{- with .extraLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- include "syncline.annotations" $ }}
spec:
  replicas: {{ .replicas }}
  {{- if .stateful }}
  serviceName: {{ .name }}-headless
  {{- /* Instances join one consumer group: starting them one by one (OrderedReady) would make every
  join a rebalance and hold each start until the previous pod is ready. */}}
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
  {{- else }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 1
  {{- end }}
  selector:
    matchLabels:
      {{- include "syncline.selectorLabels" $ | nindent 6 }}
      app.kubernetes.io/component: {{ .component }}
  template:
    metadata:
      labels:
        {{- include "syncline.labels" $ | nindent 8 }}
        app.kubernetes.io/component: {{ .component }}
        {{- with .extraLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "syncline.config" $ | sha256sum }}
        {{- if and $.Values.secrets.env (not $.Values.secrets.existingSecret) }}
        checksum/secret-env: {{ toJson $.Values.secrets.env | sha256sum }}
        {{- end }}
        {{- with include "syncline.securitySecretData" $ }}
        checksum/secret-security: {{ . | sha256sum }}
        {{- end }}
        {{- with $settings.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "syncline.serviceAccountName" $ }}
      automountServiceAccountToken: {{ $.Values.serviceAccount.automountServiceAccountToken }}
      {{- with $.Values.image.pullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      {{- if $.Values.podSecurityContext.enabled }}
      securityContext:
        {{- omit $.Values.podSecurityContext "enabled" | toYaml | nindent 8 }}
      {{- end }}
      terminationGracePeriodSeconds: {{ $settings.terminationGracePeriodSeconds }}
      {{- if $.Values.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- range $.Values.topologySpread.topologyKeys }}
        - maxSkew: {{ $.Values.topologySpread.maxSkew }}
          topologyKey: {{ . }}
          whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "syncline.selectorLabels" $ | nindent 14 }}
              app.kubernetes.io/component: {{ $component }}
        {{- end }}
      {{- end }}
      {{- with $settings.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $settings.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $settings.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: syncline
          image: {{ include "syncline.image" $ }}
          imagePullPolicy: {{ $.Values.image.pullPolicy }}
          args:
            - {{ .role }}
            - --config
            - /etc/syncline/syncline.yaml
            {{- range .args }}
            - {{ . | quote }}
            {{- end }}
          {{- with $.Values.extraEnv }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- $envSecret := include "syncline.envSecretName" $ }}
          {{- if $envSecret }}
          envFrom:
            - secretRef:
                name: {{ $envSecret }}
          {{- end }}
          ports:
            - name: metrics
              containerPort: {{ $.Values.metrics.containerPort }}
              protocol: TCP
          {{- if $.Values.startupProbe.enabled }}
          startupProbe:
            httpGet:
              path: /healthz
              port: metrics
            periodSeconds: {{ $.Values.startupProbe.periodSeconds }}
            failureThreshold: {{ $.Values.startupProbe.failureThreshold }}
          {{- end }}
          {{- if $.Values.livenessProbe.enabled }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: metrics
            {{- omit $.Values.livenessProbe "enabled" | toYaml | nindent 12 }}
          {{- end }}
          {{- if $.Values.readinessProbe.enabled }}
          readinessProbe:
            httpGet:
              path: /readyz
              port: metrics
            {{- omit $.Values.readinessProbe "enabled" | toYaml | nindent 12 }}
          {{- end }}
          {{- with $settings.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- if $.Values.containerSecurityContext.enabled }}
          securityContext:
            {{- omit $.Values.containerSecurityContext "enabled" | toYaml | nindent 12 }}
          {{- end }}
          volumeMounts:
            - name: config
              mountPath: /etc/syncline
              readOnly: true
            - name: tmp
              mountPath: /tmp
            {{- if .stateful }}
            - name: state
              mountPath: /var/lib/syncline/state
            {{- end }}
            {{- if include "syncline.filesSecretName" $ }}
            - name: secret-files
              mountPath: {{ $.Values.secrets.mountPath }}
              readOnly: true
            {{- end }}
            {{- with include "syncline.securityMounts" $ | trim }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ include "syncline.fullname" $ }}-config
        - name: tmp
          emptyDir:
            sizeLimit: {{ $.Values.tmpVolume.sizeLimit }}
        {{- if and .stateful (not $persistent) }}
        - name: state
          emptyDir: {}
        {{- end }}
        {{- $filesSecret := include "syncline.filesSecretName" $ }}
        {{- if $filesSecret }}
        - name: secret-files
          secret:
            secretName: {{ $filesSecret }}
            defaultMode: 0400
        {{- end }}
        {{- with include "syncline.securityVolumes" $ | trim }}
        {{- . | nindent 8 }}
        {{- end }}
  {{- if $persistent }}
  volumeClaimTemplates:
    - metadata:
        name: state
        labels:
          {{- include "syncline.selectorLabels" $ | nindent 10 }}
          app.kubernetes.io/component: {{ .component }}
      spec:
        accessModes:
          {{- toYaml $settings.persistence.accessModes | nindent 10 }}
        {{- with $settings.persistence.storageClass }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ $settings.persistence.size }}
  {{- end }}
{{- end -}}

{{/* The metrics Service of one role (and, for a StatefulSet, its headless governing Service). */}}
{{- define "syncline.metricsService" -}}
{{- $ := .root -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}-metrics
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "syncline.labels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
    syncline/metrics: "true"
  {{- include "syncline.annotations" $ }}
spec:
  type: ClusterIP
  ports:
    - name: metrics
      port: {{ $.Values.metrics.service.port }}
      targetPort: metrics
      protocol: TCP
  selector:
    {{- include "syncline.selectorLabels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
{{- if .stateful }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}-headless
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "syncline.labels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
  {{- include "syncline.annotations" $ }}
spec:
  type: ClusterIP
  clusterIP: None
  publishNotReadyAddresses: true
  ports:
    - name: metrics
      port: {{ $.Values.metrics.service.port }}
      targetPort: metrics
      protocol: TCP
  selector:
    {{- include "syncline.selectorLabels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{/* A role's NetworkPolicy: only the metrics port in; out to anywhere, or DNS plus the extra rules. */}}
{{- define "syncline.networkPolicy" -}}
{{- $ := .root -}}
{{- if $.Values.networkPolicy.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "syncline.labels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
  {{- include "syncline.annotations" $ }}
spec:
  podSelector:
    matchLabels:
      {{- include "syncline.selectorLabels" $ | nindent 6 }}
      app.kubernetes.io/component: {{ .component }}
  policyTypes: [Ingress, Egress]
  ingress:
    - ports:
        - port: metrics
          protocol: TCP
      {{- with $.Values.networkPolicy.metricsIngressFrom }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  egress:
    {{- if $.Values.networkPolicy.allowExternalEgress }}
    - {}
    {{- else }}
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- with $.Values.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- end }}
{{- end }}
{{- end -}}
