<#
.SYNOPSIS
    The seed's four scenarios on this example, against whatever helm $env:SBKUBE_HELM points at:
    deploy, new values, chart upgrade (and an upgrade that fails), rollback.
.DESCRIPTION
    Run through `./build.ps1 -Task Demo`, which builds the module, points SBKUBE_HELM at the real Helm 4
    and KUBECONFIG at a Kubernetes API stand-in that also serves the charts, with a throw-away state DB.
    -ExamplePath should be a copy of this folder: scenario 2 edits values/redis.yaml and scenario 3 edits
    config.yaml.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ExamplePath
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

Write-Host "`n== Scenario 1: deploy, then look at the state" -ForegroundColor Cyan
Invoke-SbkubeApply -Path $ExamplePath | Format-Table | Out-Host
Get-SbkubeState | Format-Table | Out-Host

Write-Host "== Applying again: nothing changed, no helm upgrade" -ForegroundColor Cyan
Invoke-SbkubeApply -Path $ExamplePath | Format-Table | Out-Host

Write-Host "== Scenario 2: change the password in values/redis.yaml (v1 -> v2) and redeploy" -ForegroundColor Cyan
$values = Join-Path $ExamplePath 'values/redis.yaml'
(Get-Content $values -Raw).Replace('state-demo-v1', 'state-demo-v2') | Set-Content $values -NoNewline
Invoke-SbkubeApply -Path $ExamplePath | Format-Table | Out-Host
Get-SbkubeHistory -Namespace state-demo -App redis | Format-Table | Out-Host

Write-Host "== Scenario 3: upgrade the chart 17.13.2 -> 18.0.0 in config.yaml (sbkube apply --force)" -ForegroundColor Cyan
$config = Join-Path $ExamplePath 'config.yaml'
function Set-RedisVersion([string] $Version) {
    (Get-Content $config -Raw) -replace '(?m)^(\s+version:).*$', "`$1 $Version" | Set-Content $config -NoNewline
}
Set-RedisVersion '18.0.0'
Invoke-SbkubeApply -Path $ExamplePath -Force | Format-Table | Out-Host

Write-Host "== ... and an upgrade that fails before it reaches the cluster: a chart version that does not exist (18.0.99)" -ForegroundColor Cyan
Set-RedisVersion '18.0.99'
$failed = Invoke-SbkubeApply -Path $ExamplePath -ErrorAction SilentlyContinue -ErrorVariable upgradeErrors
$failed | Format-Table | Out-Host
Write-Host "Error: $($upgradeErrors[0].Exception.Message)" -ForegroundColor Yellow
# Helm recorded nothing, so it is no revision: the attempt is in the audit log.
Get-SbkubeAuditLog -Namespace state-demo -App redis -Outcome Failed | Format-Table | Out-Host

Write-Host "== Scenario 4: something is wrong: roll back to revision 2" -ForegroundColor Cyan
Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 2 -Confirm:$false | Format-Table | Out-Host
Compare-SbkubeRevision -Namespace state-demo -App redis -ReferenceRevision 3 | Format-Table Path, Reference, Difference | Out-Host
Set-RedisVersion '17.13.2'   # the config follows the rollback, so the next apply changes nothing

Write-Host "== State of every app" -ForegroundColor Cyan
Get-SbkubeState | Format-Table | Out-Host
$history = @(Get-SbkubeHistory -Namespace state-demo -App redis)
$statuses = ($history | ForEach-Object Status) -join ','
$attempts = @(Get-SbkubeAuditLog -Namespace state-demo -App redis -Outcome Failed)
if ($statuses -ne 'superseded,superseded,superseded,deployed' -or $history[-1].Description -ne 'Rollback to revision 2' -or
    $history[-1].Chart -ne 'redis-17.13.2' -or $failed.Outcome -ne 'Failed' -or $attempts.Count -ne 1 -or $attempts[0].Revision) {
    throw "Expected revisions 1-3 superseded, 4 the rollback to revision 2 (redis-17.13.2) and the failed attempt in the audit log alone, got: $($history | Format-Table | Out-String)"
}
if ((Invoke-SbkubeApply -Path $ExamplePath).Outcome -ne 'Unchanged') { throw 'After the rollback the config should be unchanged.' }
Write-Host "Demo finished: the failed upgrade changed nothing and used no revision; redis is at revision 4, the rollback to revision 2 (deployed)." -ForegroundColor Green
