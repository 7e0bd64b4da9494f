{{- define "redis.labels" -}}
app.kubernetes.io/name: redis
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "redis.statefulset" -}}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .root.Release.Name }}-{{ .role }}
  labels:
    {{- include "redis.labels" .root | nindent 4 }}
    app.kubernetes.io/component: {{ .role }}
spec:
  replicas: {{ .replicas }}
  serviceName: {{ .root.Release.Name }}-headless
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .root.Release.Name }}
      app.kubernetes.io/component: {{ .role }}
  template:
    metadata:
      labels:
        {{- include "redis.labels" .root | nindent 8 }}
        app.kubernetes.io/component: {{ .role }}
    spec:
      containers:
        - name: redis
          image: {{ .root.Values.image.registry }}/{{ .root.Values.image.repository }}:{{ .root.Values.image.tag | default .root.Chart.AppVersion }}
          ports:
            - name: redis
              containerPort: 6379
          {{- if .root.Values.auth.enabled }}
          env:
            - name: REDIS_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ .root.Release.Name }}
                  key: redis-password
          {{- end }}
  {{- if .root.Values.master.persistence.enabled }}
  volumeClaimTemplates:
    - metadata:
        name: redis-data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: {{ .root.Values.master.persistence.size | quote }}
  {{- end }}
{{- end -}}
