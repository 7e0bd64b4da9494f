# Steps the example workflows (auto-rollback, blue-green, canary) share.

<#
.SYNOPSIS
    Runs a check: a script block (its last output is the verdict) or, without one, an HTTP GET that
    must answer 2xx/3xx, like curl -f. Errors count as unhealthy.
#>
function Test-SbkubeHealth {
    param(
        [scriptblock] $Check,
        [object[]] $Arguments = @(),
        [string] $Url,
        [int] $TimeoutSeconds = 30
    )
    try {
        if ($Check) {
            $r = @(& $Check @Arguments)
            return ($r.Count -gt 0 -and [bool]$r[-1])
        }
        $resp = Invoke-WebRequest -Uri $Url -UseBasicParsing -TimeoutSec $TimeoutSeconds -ErrorAction Stop
        return ([int]$resp.StatusCode -ge 200 -and [int]$resp.StatusCode -lt 400)
    }
    catch {
        Write-Warning "Health check error: $($_.Exception.Message)"
        return $false
    }
}

<#
.SYNOPSIS
    Applies a config without stopping on failure; returns @{ Result = <AppResult of App>; Failed = bool }.
#>
function Invoke-SbkubeApplyStep {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory)] [string] $App,
        [hashtable] $Common = @{}
    )
    $errs = $null
    $out = @()
    try {
        $out = @(Invoke-SbkubeApply -Path $Path -Namespace $Namespace @Common -ErrorAction SilentlyContinue -ErrorVariable errs)
    }
    catch {
        $errs = @($_)
    }
    $errs = @($errs | Where-Object { $null -ne $_ })
    foreach ($e in $errs) { Write-Warning "Apply to ${Namespace}: $e" }
    $mine = $out | Where-Object { $_.App -eq $App } | Select-Object -Last 1
    @{ Result = $mine; Failed = ($errs.Count -gt 0) -or ($mine -and -not $mine.Succeeded) }
}

Export-ModuleMember -Function Test-SbkubeHealth, Invoke-SbkubeApplyStep
