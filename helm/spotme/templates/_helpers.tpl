{{/* Names, labels, image, and the environment shared by every SPOT-Me container. */}}

{{- define "spotme.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "spotme.fullname" -}}
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

{{- define "spotme.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "spotme.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: spotme
{{- end -}}

{{- define "spotme.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spotme.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "spotme.apexDomain" -}}
{{- required "apexDomain is required: the platform's domain, e.g. spotme.gov.my (agencies are served on <subdomain>.<apexDomain>)" .Values.apexDomain -}}
{{- end -}}

{{- define "spotme.image" -}}
{{- $repository := required "image.repository is required: the image built from deploy/Dockerfile" .Values.image.repository -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" $repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "spotme.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "spotme.fullname" .) -}}
{{- end -}}

{{- define "spotme.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "spotme.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* Pod annotations that roll the pods when the configuration or the chart's Secret changes. */}}
{{- define "spotme.configChecksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end -}}

{{/*
Environment of every container. Call with (dict "root" $ "pool" .Values.<component>.dbPool).
Non-secret settings come from the ConfigMap; secrets one by one from the Secret, the optional ones
marked optional so an existingSecret may leave them out.
*/}}
{{- define "spotme.env" -}}
{{- $root := .root -}}
envFrom:
  - configMapRef:
      name: {{ include "spotme.fullname" $root }}-config
env:
  {{- range $key := list "SECRET_KEY" "DATABASE_URL" "REDIS_URL" }}
  - name: {{ $key }}
    valueFrom:
      secretKeyRef:
        name: {{ include "spotme.secretName" $root }}
        key: {{ $key }}
  {{- end }}
  {{- range $key := list "SENTRY_DSN" "EMAIL_HOST_PASSWORD" "SPOTME_METRICS_TOKEN" "SPOTME_FIELD_KEY" "SPOTME_VAPID_PRIVATE_KEY" "SPOTME_VAPID_PUBLIC_KEY" }}
  - name: {{ $key }}
    valueFrom:
      secretKeyRef:
        name: {{ include "spotme.secretName" $root }}
        key: {{ $key }}
        optional: true
  {{- end }}
  {{- with .pool }}
  - name: SPOTME_DB_POOL_MIN
    value: {{ .min | quote }}
  - name: SPOTME_DB_POOL_MAX
    value: {{ .max | quote }}
  {{- end }}
{{- end -}}

{{- define "spotme.volumes" -}}
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: {{ .Values.tmpSizeLimit }}
- name: media
  {{- if .Values.media.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.media.existingClaim }}
  {{- else }}
  emptyDir:
    sizeLimit: {{ .Values.media.emptyDirSizeLimit }}
  {{- end }}
- name: backups
  {{- if .Values.backups.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.backups.existingClaim }}
  {{- else if .Values.backups.createClaim.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "spotme.fullname" . }}-backups
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end -}}

{{- define "spotme.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: media
  mountPath: /data/media
- name: backups
  mountPath: {{ .Values.backups.mountPath }}
{{- end -}}

{{- define "spotme.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{- define "spotme.backupsPersistent" -}}
{{- if or .Values.backups.existingClaim .Values.backups.createClaim.enabled }}1{{ else }}0{{ end -}}
{{- end -}}
