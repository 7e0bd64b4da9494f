#Requires -Version 5.1

<#
.SYNOPSIS
    The seed's canary workflow: deploy a small canary in its own namespace, watch it, then promote it to the
    production namespace or delete it.

.DESCRIPTION
    The seed's "워크플로우 2: Canary 배포 패턴", step by step with the cmdlets:

        1. sbkube state show --namespace production --app backend --revision current
               baseline revision:                                   Get-SbkubeDeployment -Revision current
        2. sbkube apply --namespace production-canary               (config with replicaCount: 2)
               canary:                                              Invoke-SbkubeApply -Path $CanaryPath -Namespace $CanaryNamespace
        3. monitoring; on a problem: sbkube delete --namespace production-canary
               -Monitor is run -MonitorCount times, -MonitorIntervalSeconds apart; on failure: Remove-SbkubeApp
        4. sbkube apply --namespace production                      (config with replicaCount: 10)
               promotion:                                           Invoke-SbkubeApply -Path $Path -Namespace $Namespace
        5. sbkube rollback --namespace production --app backend --revision $(old_revision)
               kept as the way back: if the promoted version fails -HealthCheck (or its apply fails), production
               is rolled back to the baseline revision. Afterwards the canary namespace is removed
               (unless -KeepCanary), since its job is done.

    The seed edits config.yaml between steps (replicaCount 10 → 2 → 10). Here that is two config
    directories: -CanaryPath (the canary variant, e.g. replicaCount: 2) and -Path (the full rollout);
    -CanaryPath defaults to -Path.

    Writes one result object (PSTypeName SBKube.CanaryResult); -Promoted tells the outcome.

.PARAMETER Namespace
    The production namespace (seed: production).

.PARAMETER App
    The app being released (seed: backend).

.PARAMETER Path
    Config directory or config.yaml of the full rollout. Default: the current directory.

.PARAMETER CanaryPath
    Config directory or config.yaml of the canary (fewer replicas). Default: -Path.

.PARAMETER CanaryNamespace
    Namespace of the canary. Default: <Namespace>-canary (seed: production-canary).

.PARAMETER Monitor
    Script block that watches the canary. It gets the canary namespace, the app and the check number and
    must return $true while the canary is healthy; $false, no output or an exception means a problem.

.PARAMETER MonitorCount
    How many times to run -Monitor. Default 5.

.PARAMETER MonitorIntervalSeconds
    Pause between two monitor runs. Default 60.

.PARAMETER HealthCheck
    Optional script block run after the promotion with the production namespace and the app; returning
    anything but $true rolls production back to the baseline revision.

.PARAMETER KeepCanary
    Leave the canary deployed after a successful promotion.

.PARAMETER StatePath
    The state database; default $env:SBKUBE_STATE_DB, else ~/.sbkube/state.db.

.EXAMPLE
    PS> ./Invoke-Canary.ps1 -Namespace production -App backend -Path ./backend -CanaryPath ./backend-canary -Monitor {
            param($ns, $app)
            $errors = (Invoke-RestMethod "http://prometheus:9090/api/v1/query?query=sum(rate(http_errors_total{namespace='$ns'}[5m]))").data.result
            -not $errors -or [double]$errors[0].value[1] -lt 0.01
        }

    Five checks of the canary's error rate, one a minute, then promotion to production.

.OUTPUTS
    SBKube.CanaryResult: Namespace, App, CanaryNamespace, BaselineRevision, CanaryRevision, CanaryHealthy,
    Promoted, ProductionRevision, RolledBack, RollbackRevision, CanaryRemoved, Message.
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

    [string] $CanaryPath,

    [string] $CanaryNamespace,

    [Parameter(Mandatory = $true)]
    [scriptblock] $Monitor,

    [ValidateRange(1, 10000)]
    [int] $MonitorCount = 5,

    [ValidateRange(0, 86400)]
    [int] $MonitorIntervalSeconds = 60,

    [scriptblock] $HealthCheck,

    [switch] $KeepCanary,

    [string] $StatePath
)

# Unattended: never stop at a confirmation prompt.
$ConfirmPreference = 'None'
$common = @{}
if ($StatePath) { $common.StatePath = $StatePath }
if (-not $CanaryPath) { $CanaryPath = $Path }
if (-not $CanaryNamespace) { $CanaryNamespace = "$Namespace-canary" }

Import-Module (Join-Path $PSScriptRoot 'SbkubeWorkflow.psm1') -Force

function Remove-Canary {
    Write-Verbose "Deleting the canary in $CanaryNamespace"
    $null = Remove-SbkubeApp -Namespace $CanaryNamespace @common -Confirm:$false -ErrorAction Stop
    $result.CanaryRemoved = $true
}

$result = [pscustomobject]@{
    PSTypeName         = 'SBKube.CanaryResult'
    Namespace          = $Namespace
    App                = $App
    CanaryNamespace    = $CanaryNamespace
    BaselineRevision   = $null
    CanaryRevision     = $null
    CanaryHealthy      = $false
    Promoted           = $false
    ProductionRevision = $null
    RolledBack         = $false
    RollbackRevision   = $null
    CanaryRemoved      = $false
    Message            = ''
}

# 1. Baseline: the revision serving production now.
try {
    $baseline = Get-SbkubeDeployment -Namespace $Namespace -App $App -Revision current @common -ErrorAction Stop
    $result.BaselineRevision = $baseline.Revision
    Write-Verbose "Baseline: $Namespace/$App revision $($baseline.Revision) ($($baseline.Chart))"
} catch {
    Write-Verbose "No deployed revision of $Namespace/$App yet: $($_.Exception.Message)"
}

# 2. Canary.
$canary = Invoke-SbkubeApplyStep -Path $CanaryPath -Namespace $CanaryNamespace -App $App -Common $common
if ($canary.Result) { $result.CanaryRevision = $canary.Result.Revision }

# 3. Monitor it.
$healthy = -not $canary.Failed
for ($i = 1; $healthy -and $i -le $MonitorCount; $i++) {
    if ($i -gt 1 -and $MonitorIntervalSeconds -gt 0) { Start-Sleep -Seconds $MonitorIntervalSeconds }
    $healthy = Test-SbkubeHealth -Check $Monitor -Arguments @($CanaryNamespace, $App, $i)
    Write-Verbose "Canary check $i of ${MonitorCount}: $(if ($healthy) { 'healthy' } else { 'problem' })"
}
$result.CanaryHealthy = $healthy
if (-not $healthy) {
    Remove-Canary
    $result.Message = "Canary of $App in $CanaryNamespace failed; it was deleted and $Namespace was not touched."
    Write-Warning $result.Message
    return $result
}

# 4. Promote.
$newestBefore = Get-SbkubeState -Namespace $Namespace -App $App @common | Select-Object -Last 1
$full = Invoke-SbkubeApplyStep -Path $Path -Namespace $Namespace -App $App -Common $common
if ($full.Result) { $result.ProductionRevision = $full.Result.Revision }
$ok = -not $full.Failed
if ($ok -and $HealthCheck) { $ok = Test-SbkubeHealth -Check $HealthCheck -Arguments @($Namespace, $App) }

# 5. The way back: the baseline revision.
if (-not $ok) {
    $newestAfter = Get-SbkubeState -Namespace $Namespace -App $App @common | Select-Object -Last 1
    if ($null -eq $result.BaselineRevision) {
        $result.Message = "Promotion of $App to $Namespace failed and there is no baseline revision to roll back to."
    } elseif ($newestBefore -and $newestAfter -and $newestAfter.Revision -eq $newestBefore.Revision) {
        $result.Message = "Promotion of $App to $Namespace failed; no new revision was recorded, baseline revision $($result.BaselineRevision) is unchanged."
    } else {
        $rb = Invoke-SbkubeRollback -Namespace $Namespace -App $App -Revision $result.BaselineRevision -Reason 'promotion failed its check' @common -Confirm:$false -ErrorAction Stop
        $result.RolledBack = $true
        $result.RollbackRevision = $rb.Revision
        $result.Message = "Promotion of $App to $Namespace failed; rolled back to baseline revision $($result.BaselineRevision) (new revision $($rb.Revision))."
    }
    Remove-Canary
    Write-Warning $result.Message
    return $result
}

$result.Promoted = $true
if (-not $KeepCanary) { Remove-Canary }
$result.Message = "Canary of $App promoted to $Namespace (revision $($result.ProductionRevision))."
Write-Verbose $result.Message
$result
