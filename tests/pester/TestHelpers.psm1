# Shared set-up for the Pester suites: each test file gets a throw-away state DB, HelmSim home and a
# copy of the example, and talks to the built module the way a user would.

$script:Root = if ($env:SBKUBE_TEST_ROOT) { $env:SBKUBE_TEST_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
# The real-Helm harness (tools, chart repository, API stand-in) is the build's own.
Import-Module (Join-Path $script:Root 'build/RealTools.psm1')

function Get-TestRoot { $script:Root }

function Get-TestModulePath {
    if ($env:SBKUBE_TEST_MODULE) { $env:SBKUBE_TEST_MODULE } else { Join-Path $script:Root 'out/SBKube/SBKube.psd1' }
}

function Get-HelmSimPath {
    if ($env:SBKUBE_TEST_HELMSIM) { $env:SBKUBE_TEST_HELMSIM } else { Join-Path $script:Root 'out/helmsim/helm' }
}

function Get-KubectlSimPath {
    if ($env:SBKUBE_TEST_KUBECTLSIM) { $env:SBKUBE_TEST_KUBECTLSIM } else { Join-Path $script:Root 'out/helmsim/kubectl' }
}

<#
.SYNOPSIS
    A fresh sandbox: temp folder with state.db path, HelmSim home and a copy of an example; sets the
    environment variables SBKube and HelmSim read. With -Helm 4 or 3: real Helm of that major and its
    kubectl against a Kubernetes API stand-in of the sandbox's own, which also serves the test charts
    (the example's bitnami repository points there).
#>
function New-SbkubeSandbox {
    param([string] $Example = 'state-management', [ValidateSet(0, 3, 4)] [int] $Helm = 0)
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-test-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $dir | Out-Null
    if ($Example) {
        Copy-Item (Join-Path $script:Root "examples/$Example") $dir -Recurse
    }
    $sandbox = [pscustomobject]@{
        Dir      = $dir
        Example  = Join-Path $dir $Example
        StateDb  = Join-Path $dir 'state/state.db'
        HelmHome = Join-Path $dir 'helmsim'
        Cluster  = $null
    }
    $env:SBKUBE_STATE_DB = $sandbox.StateDb
    if (Test-PostgresBackend) {
        # Each sandbox gets its own schema in the run's PostgreSQL server: isolated state and locks.
        $schema = 't_' + [guid]::NewGuid().ToString('N').Substring(0, 12)
        $sandbox | Add-Member Schema $schema
        $env:SBKUBE_STATE_CONNECTION = "$($env:SBKUBE_TEST_PG_URI)&schema=$schema"
    }
    else {
        Remove-Item Env:SBKUBE_STATE_CONNECTION -ErrorAction Ignore
    }
    foreach ($name in 'KUBECONFIG', 'HELM_CONFIG_HOME', 'HELM_CACHE_HOME', 'HELM_DATA_HOME', 'SBKUBE_TEST_BITNAMI') { Remove-Item "Env:$name" -ErrorAction Ignore }
    if ($Helm) {
        $standIn = if ($env:SBKUBE_TEST_STANDIN) { $env:SBKUBE_TEST_STANDIN } else { Join-Path $script:Root 'out/standin/kube-standin' }
        $charts = if ($env:SBKUBE_TEST_CHARTS) { $env:SBKUBE_TEST_CHARTS } else { Join-Path $script:Root 'out/charts' }
        $sandbox.Cluster = Start-KubeStandIn -Executable $standIn -Dir (Join-Path $dir 'cluster') -Charts $charts -ChartAuth 'chartuser:chart-pass'
        $env:KUBECONFIG = $sandbox.Cluster.Kubeconfig
        foreach ($part in 'CONFIG', 'CACHE', 'DATA') { Set-Item "Env:HELM_$($part)_HOME" (Join-Path $dir "helm/$($part.ToLowerInvariant())") }
        $env:SBKUBE_HELM = Get-RealHelmPath $Helm
        $env:SBKUBE_KUBECTL = Get-RealKubectlPath $Helm
        $env:SBKUBE_TEST_BITNAMI = "$($sandbox.Cluster.Url)/charts/bitnami"
        $sources = Join-Path $sandbox.Example 'sources.yaml'
        if ($Example -and (Test-Path $sources)) {
            (Get-Content $sources -Raw).Replace('https://charts.bitnami.com/bitnami', $env:SBKUBE_TEST_BITNAMI) | Set-Content $sources -NoNewline
        }
    }
    else {
        $env:HELMSIM_HOME = $sandbox.HelmHome
        $env:SBKUBE_HELM = Get-HelmSimPath
        $env:SBKUBE_KUBECTL = Get-KubectlSimPath
    }
    $sandbox
}

function Remove-SbkubeSandbox([object] $Sandbox) {
    if (-not $Sandbox) { return }
    if ($Sandbox.Cluster) { Stop-KubeStandIn $Sandbox.Cluster }
    if (Test-Path $Sandbox.Dir) { Remove-Item $Sandbox.Dir -Recurse -Force -ErrorAction Ignore }
}

<# The real helm (and kubectl) of a major, fetched by the Test task's prerequisites (build/real-tools.psd1). #>
function Get-RealHelmPath([ValidateSet(3, 4)] [int] $Major) {
    $path = [Environment]::GetEnvironmentVariable("SBKUBE_TEST_HELM$Major")
    if (-not $path) { $path = Join-Path $script:Root "out/tools/helm$Major/helm" }
    if (-not (Test-Path $path)) { throw "Real Helm $Major is not at $path; run ./build.ps1 -Task Prerequisites." }
    $path
}

function Get-RealKubectlPath([ValidateSet(3, 4)] [int] $Major) {
    $path = [Environment]::GetEnvironmentVariable("SBKUBE_TEST_KUBECTL_HELM$Major")
    if (-not $path) { $path = Join-Path $script:Root "out/tools/helm$Major/kubectl" }
    $path
}

<# Writes the stand-in's fault file (see tests/KubeStandIn/Faults.cs); -Clear removes it. #>
function Set-ClusterFault([object] $Sandbox, [hashtable] $Faults) {
    $file = Join-Path $Sandbox.Cluster.Dir 'faults.json'
    if ($Faults) { $Faults | ConvertTo-Json -Depth 5 | Set-Content $file } else { Remove-Item $file -ErrorAction Ignore }
}

<# What real Helm itself says of a release: its history, oldest first. #>
function Get-RealHelmHistory([string] $Namespace, [string] $Release) {
    $json = & $env:SBKUBE_HELM history $Release --namespace $Namespace -o json 2>&1
    if ($LASTEXITCODE -ne 0) { throw "helm history $Release failed: $json" }
    @($json | ConvertFrom-Json)
}

<# HelmSim's call log: one object per helm/kubectl invocation (argv, pid, start, end, exit). #>
function Get-HelmSimCall {
    param([string] $Command)
    $log = Join-Path $env:HELMSIM_HOME 'calls.log'
    if (-not (Test-Path $log)) { return @() }
    $calls = Get-Content $log | Where-Object { $_ } | ForEach-Object {
        $call = $_ | ConvertFrom-Json
        # SBKube puts Helm's positional arguments after '--'.
        $end = [array]::IndexOf([string[]] $call.argv, '--')
        [string[]] $positional = if ($end -ge 0) { $call.argv | Select-Object -Skip ($end + 1) } else { @() }
        $call | Add-Member -NotePropertyName Positional -NotePropertyValue $positional -PassThru
    }
    if ($Command) { $calls = $calls | Where-Object { $_.argv.Count -gt 0 -and $_.argv[0] -eq $Command } }
    @($calls)
}

<# Writes HelmSim's fault file (see tests/HelmSim/README.md). #>
function Set-HelmSimFault([hashtable] $Faults) {
    New-Item -ItemType Directory -Force -Path $env:HELMSIM_HOME | Out-Null
    $Faults | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $env:HELMSIM_HOME 'faults.json')
}

function Clear-HelmSimFault {
    Remove-Item (Join-Path $env:HELMSIM_HOME 'faults.json') -ErrorAction Ignore
}

<# True when this run's suites use the PostgreSQL backend ($env:SBKUBE_TEST_BACKEND = 'postgres'). #>
function Test-PostgresBackend { $env:SBKUBE_TEST_BACKEND -eq 'postgres' }

<#
    Runs SQL on the sandbox's state store with the backend's own client, as a user would: sqlite3 on
    the file, or psql on the sandbox's schema. Output lines look alike (columns joined by '|').
#>
function Invoke-StateSql([string] $Sql) {
    if (-not (Test-PostgresBackend)) { return Invoke-Sqlite3 $Sql }
    $schema = ([regex]::Match($env:SBKUBE_STATE_CONNECTION, 'schema=(\w+)')).Groups[1].Value
    $env:PGOPTIONS = "-c search_path=$schema"
    try { $out = & psql $env:SBKUBE_TEST_PG_URI -v ON_ERROR_STOP=1 -X -q -A -t -c $Sql 2>&1 }
    finally { Remove-Item Env:PGOPTIONS -ErrorAction Ignore }
    if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
    @($out)
}

<# Runs the sqlite3 CLI on the state DB and returns its output lines. #>
function Invoke-Sqlite3([string] $Sql, [string] $Database = $env:SBKUBE_STATE_DB) {
    $out = & sqlite3 $Database $Sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "sqlite3 failed: $out" }
    @($out)
}

<# SHA-256 of the state DB file (or of every row on PostgreSQL), to prove a failed command left it untouched. #>
function Get-StateDbHash([string] $Path = $env:SBKUBE_STATE_DB) {
    if ((Test-PostgresBackend) -and $Path -eq $env:SBKUBE_STATE_DB) {
        try {
            $rows = Invoke-StateSql ("SELECT 'd', d::text FROM deployments d UNION ALL SELECT 'h', h::text FROM deployment_history h " +
                "UNION ALL SELECT 'l', l::text FROM locks l ORDER BY 1, 2")
        }
        catch { return '<none>' }
        return [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes(($rows -join "`n"))))
    }
    if (-not (Test-Path $Path)) { return '<none>' }
    (Get-FileHash $Path -Algorithm SHA256).Hash
}

<# Runs a script in a brand-new pwsh -NoProfile; returns stdout lines and the exit code. #>
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string] $Command, [int] $TimeoutSeconds = 120)
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $output = & dotnet $pwshDll -NoProfile -NonInteractive -Command $Command 2>&1
    [pscustomobject]@{ Output = @($output | ForEach-Object { "$_" }); ExitCode = $LASTEXITCODE }
}

<# Starts a script in a background pwsh -NoProfile (output captured, not shown); returns the process. #>
function Start-BackgroundPwsh([string] $Command, [switch] $DefaultSignals) {
    # -DefaultSignals: a test run from a background job inherits SIGINT ignored (POSIX); give it back.
    $argv = @('dotnet', (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $Command)
    if ($DefaultSignals) { $argv = @('env', '--default-signal=INT,TERM') + $argv }
    $psi = [System.Diagnostics.ProcessStartInfo]::new($argv[0])
    foreach ($a in $argv[1..($argv.Count - 1)]) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    [System.Diagnostics.Process]::Start($psi)
}

<#
    Polls a condition other processes change; one that throws (say, a store not created yet) counts as not yet.
    With -Process (from Start-BackgroundPwsh), a timeout stops it and shows what it printed, so a failure says why.
#>
function Wait-Until([scriptblock] $Condition, [int] $TimeoutSeconds = 60, [System.Diagnostics.Process] $Process) {
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not $(try { & $Condition } catch { $false })) {
        if ([datetime]::UtcNow -gt $deadline) {
            $printed = ''
            if ($Process) {
                $exited = if ($Process.HasExited) { "exited $($Process.ExitCode)" } else { 'still running' }
                if (-not $Process.HasExited) { Stop-ProcessTree $Process.Id -WithChildren }
                # Bounded: a grandchild could still hold the pipes.
                $out = $Process.StandardOutput.ReadToEndAsync(); $err = $Process.StandardError.ReadToEndAsync()
                $texts = foreach ($t in $out, $err) { if ($t.Wait(5000)) { $t.Result } else { '(output still held open)' } }
                $printed = " The background pwsh ($exited) printed: $($texts -join ' ')"
            }
            throw "Condition not met within $TimeoutSeconds s: $Condition.$printed"
        }
        Start-Sleep -Milliseconds 100
    }
}

<# SIGKILL, as a crash or an OOM killer would; -WithChildren also kills its direct children (helm). #>
function Stop-ProcessTree([int] $ProcessId, [switch] $WithChildren) {
    $children = if ($WithChildren) { @(& pgrep -P $ProcessId) } else { @() }
    & kill -9 $ProcessId
    foreach ($c in $children) { if ($c) { & kill -9 $c 2>$null } }
}

<# Pending revisions in the sandbox's store, on either backend. #>
function Get-PendingCount { [int](Invoke-StateSql "SELECT COUNT(*) FROM deployments WHERE status LIKE 'pending-%';") }

Export-ModuleMember -Function *
