{{/* Names and labels shared by every object of the chart. */}}
{{- define "manancial.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "manancial.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels; call with (dict "ctx" $ "component" "web"), and "queue" for a worker pool. */}}
{{- define "manancial.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- with .queue }}
manancial.io/queue: {{ . }}
{{- end }}
{{- end -}}

{{/* The Celery queue of a class of work: <CELERY_QUEUE>.<class>, as platform/saas/queues.py names it. */}}
{{- define "manancial.queueName" -}}
{{ default "manancial" .ctx.Values.env.CELERY_QUEUE }}.{{ .queue }}
{{- end -}}

{{- define "manancial.image" -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end -}}

{{/* Environment for every app container: plain values inline (a change rolls the pods), secrets
     from the externally managed Secret through envFrom. Nothing secret is rendered into the
     release. */}}
{{- define "manancial.env" -}}
- name: BASE_DOMAIN
  value: {{ .Values.baseDomain | quote }}
{{- with .Values.ingress.customHosts }}
- name: EXTRA_ALLOWED_HOSTS
  value: {{ $hosts := list }}{{ range . }}{{ $hosts = append $hosts .host }}{{ end }}{{ join "," $hosts | quote }}
{{- end }}
{{- range $key, $value := .Values.env }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- define "manancial.envFrom" -}}
- secretRef:
    name: {{ .Values.existingSecret }}
{{- end -}}

{{- define "manancial.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Spread replicas over the availability zones (two in infra/terraform) and the nodes. */}}
{{- define "manancial.topologySpread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "manancial.selectorLabels" . | nindent 8 }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "manancial.selectorLabels" . | nindent 8 }}
{{- end -}}

{{/* prometheus_client multiprocess directory: an emptyDir, fresh for each pod. */}}
{{- define "manancial.promVolume" -}}
- name: prom-multiproc
  emptyDir:
    sizeLimit: 256Mi
- name: tmp
  emptyDir:
    sizeLimit: 1Gi
{{- end -}}

{{- define "manancial.promVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: prom-multiproc
  mountPath: {{ .Values.env.PROMETHEUS_MULTIPROC_DIR }}
{{- end -}}
