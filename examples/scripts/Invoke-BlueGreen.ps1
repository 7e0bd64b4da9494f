#Requires -Version 5.1

<#
.SYNOPSIS
    The seed's blue-green workflow: deploy the new version, test it, roll back at once if the test fails.

.DESCRIPTION
    The seed's "워크플로우 1: Blue-Green 배포 패턴", step by step with the cmdlets:

        1. sbkube state list --namespace production --app myapp      current (blue) revision: Get-SbkubeState
        2. sbkube apply --namespace production                        new (green) version:      Invoke-SbkubeApply
        3. curl http://myapp.production.svc.cluster.local/health      test:                     -HealthCheck / -HealthCheckUrl
        4. sbkube rollback ... --revision $(previous_revision)        on failure, back to blue: Invoke-SbkubeRollback
        5. echo "Green deployment successful"                         on success, keep green

    The blue revision is the app's deployed revision before the apply. A failed apply counts as a failed
    test. When there is no blue revision (a first deployment) a failure is reported but nothing can be
    rolled back. Writes one result object (PSTypeName SBKube.BlueGreenResult); -Healthy tells the outcome.

.PARAMETER Namespace
    The namespace (seed: production).

.PARAMETER App
    The app to test and, if needed, roll back (seed: myapp).

.PARAMETER Path
    The config directory or config.yaml holding the new (green) version. Default: the current directory.

.PARAMETER HealthCheckUrl
    URL that must answer with a success status (the seed's curl). Default:
    http://<app>.<namespace>.svc.cluster.local/health.

.PARAMETER HealthCheck
    Script block used instead of the URL check. It gets the URL, namespace and app and must return $true
    when the green version is healthy; $false, no output or an exception means unhealthy.

.PARAMETER HealthCheckTimeoutSeconds
    Timeout of the HTTP check. Default 30.

.PARAMETER StatePath
    The state database; default $env:SBKUBE_STATE_DB, else ~/.sbkube/state.db.

.EXAMPLE
    PS> ./Invoke-BlueGreen.ps1 -Namespace production -App myapp -Path ./myapp

    Deploys ./myapp/config.yaml to production, checks http://myapp.production.svc.cluster.local/health and
    rolls myapp back to the blue revision if the check fails.

.EXAMPLE
    PS> $r = ./Invoke-BlueGreen.ps1 production myapp -Path ./myapp -HealthCheck { param($u, $ns, $app) (Invoke-RestMethod "https://myapp.example.com/ready").ready }
    PS> if (-not $r.Healthy) { throw "Green failed; back on revision $($r.BlueRevision)" }

    A custom check, and a pipeline that fails when green was rolled back.

.OUTPUTS
    SBKube.BlueGreenResult: Namespace, App, BlueRevision, GreenRevision, Healthy, RolledBack,
    RollbackRevision, Message.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [ValidateNotNullOrEmpty()]
    [string] $Namespace,

    [Parameter(Mandatory = $true, Position = 1)]
    [ValidateNotNullOrEmpty()]
    [string] $App,

    [string] $Path = '.',

    [string] $HealthCheckUrl,

    [scriptblock] $HealthCheck,

    [ValidateRange(1, 3600)]
    [int] $HealthCheckTimeoutSeconds = 30,

    [string] $StatePath
)

# Unattended: never stop at a confirmation prompt.
$ConfirmPreference = 'None'
$common = @{}
if ($StatePath) { $common.StatePath = $StatePath }
if (-not $HealthCheckUrl) { $HealthCheckUrl = "http://$App.$Namespace.svc.cluster.local/health" }

Import-Module (Join-Path $PSScriptRoot 'SbkubeWorkflow.psm1') -Force

function Test-Healthy {
    Test-SbkubeHealth -Check $HealthCheck -Arguments @($HealthCheckUrl, $Namespace, $App) -Url $HealthCheckUrl -TimeoutSeconds $HealthCheckTimeoutSeconds
}

# 1. Blue: the revision deployed now.
$blue = Get-SbkubeState -Namespace $Namespace -App $App @common | Where-Object Status -EQ 'deployed' | Select-Object -Last 1
$blueRevision = $null
$newestBefore = Get-SbkubeState -Namespace $Namespace -App $App @common | Select-Object -Last 1
if ($blue) {
    $blueRevision = $blue.Revision
    Write-Verbose "Blue: $Namespace/$App revision $blueRevision ($($blue.Chart))"
}

# 2. Green.
$step = Invoke-SbkubeApplyStep -Path $Path -Namespace $Namespace -App $App -Common $common
$green = $step.Result
$applyFailed = $step.Failed

$result = [pscustomobject]@{
    PSTypeName       = 'SBKube.BlueGreenResult'
    Namespace        = $Namespace
    App              = $App
    BlueRevision     = $blueRevision
    GreenRevision    = $(if ($green) { $green.Revision } else { $null })
    Healthy          = $false
    RolledBack       = $false
    RollbackRevision = $null
    Message          = ''
}

# 3. Test green.
if (-not $applyFailed -and (Test-Healthy)) {
    # 5. Keep green.
    $result.Healthy = $true
    $result.Message = 'Green deployment successful'
    Write-Host $result.Message
    return $result
}

# 4. Back to blue.
$why = if ($applyFailed) { 'Green deployment failed' } else { 'Green health check failed' }
$newestAfter = Get-SbkubeState -Namespace $Namespace -App $App @common | Select-Object -Last 1
if ($null -eq $blueRevision) {
    $result.Message = "$why; there is no blue revision to roll back to."
} elseif ($newestBefore -and $newestAfter -and $newestAfter.Revision -eq $newestBefore.Revision) {
    $result.Message = "$why; no green revision was recorded, blue revision $blueRevision is unchanged."
} else {
    Write-Warning "$why, rolling back $Namespace/$App to blue revision $blueRevision..."
    $rb = Invoke-SbkubeRollback -Namespace $Namespace -App $App -Revision $blueRevision -Reason $why @common -Confirm:$false -ErrorAction Stop
    $result.RolledBack = $true
    $result.RollbackRevision = $rb.Revision
    $result.Message = "$why; rolled back to blue revision $blueRevision (new revision $($rb.Revision))."
}
Write-Warning $result.Message
$result
