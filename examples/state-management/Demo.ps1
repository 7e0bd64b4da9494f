<#
.SYNOPSIS
    The seed's scenarios 1 and 2 on this example, against whatever helm $env:SBKUBE_HELM points at.
.DESCRIPTION
    Run through `./build.ps1 -Task Demo`, which builds the module, points SBKUBE_HELM at HelmSim and
    uses a throw-away state DB and HelmSim home. -ExamplePath should be a copy of this folder:
    scenario 2 edits values/redis.yaml.
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

Write-Host "== State of every app" -ForegroundColor Cyan
Get-SbkubeState | Format-Table | Out-Host
$deployed = @(Get-SbkubeState -Namespace state-demo -App redis -Latest)
if ($deployed.Count -ne 1 -or $deployed[0].Revision -ne 2 -or $deployed[0].Status -ne 'deployed') {
    throw "Expected redis revision 2 deployed, got: $($deployed | Out-String)"
}
Write-Host "Demo finished: redis is at revision 2 (deployed)." -ForegroundColor Green
