#Requires -Version 5.1

<#
.SYNOPSIS
    Deploys, waits, checks health, and rolls back to the previous revision if the check fails
    (the seed's auto-rollback.sh).

.DESCRIPTION
    The PowerShell version of the seed's auto-rollback.sh:

        PREVIOUS_REVISION=$(sbkube state history --namespace $NAMESPACE --app $APP --limit 1 | tail -1 | awk '{print $1}')
        sbkube apply --namespace $NAMESPACE
        sleep 300
        if ! curl -f $HEALTH_CHECK_URL; then sbkube rollback --namespace $NAMESPACE --app $APP --revision $PREVIOUS_REVISION; fi

    1. Saves the app's newest recorded revision (Get-SbkubeHistory -Limit 1). If that revision is not the
       deployed one (for example a failed upgrade), the deployed revision is saved instead, since that is
       what a rollback can safely return to.
    2. Applies the config in -Path with the namespace set to -Namespace (Invoke-SbkubeApply).
    3. Waits -WaitSeconds (default 300, as in the seed).
    4. Checks health: the -HealthCheck script block if given, else an HTTP GET of -HealthCheckUrl that must
       answer 2xx/3xx (like curl -f).
    5. If the check fails, or the apply itself failed, rolls back to the saved revision
       (Invoke-SbkubeRollback), which records a new revision "Rollback to revision N". When the apply
       recorded no new revision of the app (nothing changed), there is nothing to roll back.

    For several apps at once, `Invoke-SbkubeApply -HealthCheck <url or script block> -RollbackOnFailure`
    does the same in one call, without the fixed wait.

    Writes one result object (PSTypeName SBKube.AutoRollbackResult) and exits with code 0 when the new
    deployment is healthy and 1 when it was rolled back or could not be rolled back.

.PARAMETER Namespace
    The namespace to deploy to (seed: $1).

.PARAMETER App
    The app whose health decides (seed: $2).

.PARAMETER HealthCheckUrl
    URL that must answer with a success status (seed: $3).

.PARAMETER HealthCheck
    Script block used instead of the URL check. It gets the URL, namespace and app as arguments and must
    return $true when healthy; $false, no output or an exception means unhealthy.

.PARAMETER Path
    The config directory or config.yaml to apply. Default: the current directory.

.PARAMETER WaitSeconds
    How long to wait between the apply and the health check. Default 300 (the seed's sleep 300).

.PARAMETER HealthCheckTimeoutSeconds
    Timeout of the HTTP health check. Default 30.

.PARAMETER StatePath
    The state database; default $env:SBKUBE_STATE_DB, else ~/.sbkube/state.db.

.EXAMPLE
    PS> ./Invoke-AutoRollback.ps1 state-demo redis http://redis.state-demo.svc.cluster.local/health

    The seed's usage line, run from examples/state-management.

.EXAMPLE
    PS> ./Invoke-AutoRollback.ps1 -Namespace production -App myapp -Path ./myapp -WaitSeconds 60 -HealthCheck {
            param($Url, $Namespace, $App)
            (kubectl get deploy $App -n $Namespace -o jsonpath='{.status.readyReplicas}') -ge 2
        }

    A health check that asks the cluster instead of an URL.

.OUTPUTS
    SBKube.AutoRollbackResult: Namespace, App, PreviousRevision, DeployedRevision, Healthy, RolledBack,
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

    [Parameter(Position = 2)]
    [string] $HealthCheckUrl,

    [scriptblock] $HealthCheck,

    [string] $Path = '.',

    [ValidateRange(0, 86400)]
    [int] $WaitSeconds = 300,

    [ValidateRange(1, 3600)]
    [int] $HealthCheckTimeoutSeconds = 30,

    [string] $StatePath
)

if (-not $HealthCheck -and -not $HealthCheckUrl) {
    throw 'Give -HealthCheckUrl (the seed''s third argument) or a -HealthCheck script block.'
}
# Unattended: never stop at a confirmation prompt.
$ConfirmPreference = 'None'
$common = @{}
if ($StatePath) { $common.StatePath = $StatePath }

Import-Module (Join-Path $PSScriptRoot 'SbkubeWorkflow.psm1') -Force

function Test-Healthy {
    Test-SbkubeHealth -Check $HealthCheck -Arguments @($HealthCheckUrl, $Namespace, $App) -Url $HealthCheckUrl -TimeoutSeconds $HealthCheckTimeoutSeconds
}

# 1. The revision to come back to.
$previous = $null
$newestBefore = 0
$newest = Get-SbkubeHistory -Namespace $Namespace -App $App -Limit 1 @common -ErrorAction SilentlyContinue | Select-Object -Last 1
if ($newest) {
    $previous = $newestBefore = $newest.Revision
    if ($newest.Status -ne 'deployed') {
        $deployed = Get-SbkubeState -Namespace $Namespace -App $App @common | Where-Object Status -EQ 'deployed' | Select-Object -Last 1
        if ($deployed) { $previous = $deployed.Revision }
    }
    Write-Verbose "Previous revision of $Namespace/${App}: $previous"
} else {
    Write-Verbose "$Namespace/$App has no recorded revision yet; a failed first deployment cannot be rolled back."
}

# 2. Deploy.
$step = Invoke-SbkubeApplyStep -Path $Path -Namespace $Namespace -App $App -Common $common
$mine = $step.Result
$applyFailed = $step.Failed
$deployedRevision = $null
if ($mine) { $deployedRevision = $mine.Revision }

# 3 + 4. Wait, then check (a failed apply needs no waiting).
$healthy = $false
if (-not $applyFailed) {
    if ($WaitSeconds -gt 0) {
        Write-Verbose "Waiting $WaitSeconds s before the health check."
        Start-Sleep -Seconds $WaitSeconds
    }
    $healthy = Test-Healthy
}

$result = [pscustomobject]@{
    PSTypeName       = 'SBKube.AutoRollbackResult'
    Namespace        = $Namespace
    App              = $App
    PreviousRevision = $previous
    DeployedRevision = $deployedRevision
    Healthy          = $healthy
    RolledBack       = $false
    RollbackRevision = $null
    Message          = ''
}

if ($healthy) {
    $result.Message = "Deployment of $Namespace/$App is healthy."
    $result
    exit 0
}

# 5. Roll back.
$why = if ($applyFailed) { 'Apply failed' } else { 'Health check failed' }
if ($null -eq $previous) {
    $result.Message = "$why; there is no previous revision to roll back to."
    Write-Warning $result.Message
    $result
    exit 1
}
$after = Get-SbkubeHistory -Namespace $Namespace -App $App -Limit 1 @common -ErrorAction SilentlyContinue | Select-Object -Last 1
if (-not $after -or $after.Revision -eq $newestBefore) {
    $result.Message = "$why, but the apply recorded no new revision of $App; revision $previous is unchanged, nothing to roll back."
    Write-Warning $result.Message
    $result
    exit 1
}
Write-Warning "$why, rolling back $Namespace/$App to revision $previous..."
$rb = Invoke-SbkubeRollback -Namespace $Namespace -App $App -Revision $previous -Reason $why @common -Confirm:$false -ErrorAction Stop
$result.RolledBack = $true
$result.RollbackRevision = $rb.Revision
$result.Message = "$why; rolled back to revision $previous (new revision $($rb.Revision))."
$result
exit 1
