# Helpers of the suites that run the seed's command lines and scripts (Seed*.Tests.ps1).

function Set-RedisPassword([string] $Example, [string] $From, [string] $To) {
    $values = Join-Path $Example 'values/redis.yaml'
    (Get-Content $values -Raw).Replace($From, $To) | Set-Content $values -NoNewline
}
function Set-RedisVersion([string] $Example, [string] $From, [string] $To) {
    $config = Join-Path $Example 'config.yaml'
    (Get-Content $config -Raw).Replace("version: $From", "version: $To") | Set-Content $config -NoNewline
}
function Get-FreePort {
    $l = New-Object System.Net.Sockets.TcpListener ([System.Net.IPAddress]::Loopback), 0
    $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
    $port
}
# The seed's table layout: columns left-aligned, two spaces between them, the last one unpadded.
function Format-Expected([string[]] $Cells, [int[]] $Widths) {
    $parts = for ($i = 0; $i -lt $Cells.Count; $i++) { if ($i -lt $Cells.Count - 1) { $Cells[$i].PadRight($Widths[$i]) } else { $Cells[$i] } }
    $parts -join '  '
}
function Get-LocalTime($Utc) { $Utc.ToLocalTime().ToString('yyyy-MM-dd HH:mm:ss') }
# A config directory for the workflows: one helm app from the bitnami catalog.
function New-AppConfig([string] $Dir, [string] $Namespace, [string] $App, [string] $Version, [int] $Replicas = 1) {
    New-Item -ItemType Directory -Force -Path (Join-Path $Dir 'values') | Out-Null
    # The sandbox's own chart repository stands in for Bitnami's.
    Set-Content (Join-Path $Dir 'sources.yaml') "helm_repos:`n  bitnami: $($env:SBKUBE_TEST_BITNAMI)`n"
    Set-Content (Join-Path $Dir 'config.yaml') "namespace: $Namespace`napps:`n  ${App}:`n    type: helm`n    chart: bitnami/nginx`n    version: $Version`n    values:`n      - $App.yaml`n"
    Set-Content (Join-Path $Dir "values/$App.yaml") "replicaCount: $Replicas`n"
    $Dir
}

Export-ModuleMember -Function *
