# Shared set-up for the Pester suites: each test file gets a throw-away state DB, a Kubernetes API stand-in
# with real Helm and kubectl in front of it, and a copy of the example, and talks to the built module the way
# a user would.

$script:Root = if ($env:SBKUBE_TEST_ROOT) { $env:SBKUBE_TEST_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
# The real-Helm harness (tools, chart repository, API stand-in) is the build's own.
Import-Module (Join-Path $script:Root 'build/RealTools.psm1')
# New-TestCertificates, for a sandbox whose chart repository speaks HTTPS.
Import-Module (Join-Path $PSScriptRoot 'OciRegistry.psm1')

function Get-TestRoot { $script:Root }

function Get-TestModulePath {
    if ($env:SBKUBE_TEST_MODULE) { $env:SBKUBE_TEST_MODULE } else { Join-Path $script:Root 'out/SBKube/SBKube.psd1' }
}

<# The Helm major a suite runs on unless it names one: 4, or the Test task's SBKUBE_TEST_HELM_MAJOR (its Helm 3 pass). #>
function Get-TestHelmMajor { if ($env:SBKUBE_TEST_HELM_MAJOR) { [int]$env:SBKUBE_TEST_HELM_MAJOR } else { 4 } }

<#
.SYNOPSIS
    A fresh sandbox: a temp folder with a state.db path and a copy of an example, and a cluster of its own: the
    Kubernetes API stand-in, which also serves the test charts (the example's bitnami repository points there),
    with the real Helm and kubectl of -Helm's major in front of it through call recorders (Get-HelmCall). Sets the
    environment variables SBKube and Helm read. -OwnCharts gives it a chart repository Publish-TestChart can add to.
#>
function New-SbkubeSandbox {
    param([string] $Example = 'state-management', [ValidateSet(3, 4)] [int] $Helm = (Get-TestHelmMajor), [switch] $OwnCharts,
        # The stand-in serves HTTPS too, with a certificate of a test CA ($sandbox.Certs.Ca).
        [switch] $ChartTls)
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-test-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $dir | Out-Null
    if ($Example) {
        Copy-Item (Join-Path $script:Root "examples/$Example") $dir -Recurse
    }
    $charts = if ($env:SBKUBE_TEST_CHARTS) { $env:SBKUBE_TEST_CHARTS } else { Join-Path $script:Root 'out/charts' }
    if ($OwnCharts) {
        Copy-Item $charts (Join-Path $dir 'charts') -Recurse
        $charts = Join-Path $dir 'charts'
    }
    $sandbox = [pscustomobject]@{
        Dir     = $dir
        Example = Join-Path $dir $Example
        StateDb = Join-Path $dir 'state/state.db'
        Charts  = $charts
        Calls   = Join-Path $dir 'calls'
        Cluster = $null
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
    $standIn = if ($env:SBKUBE_TEST_STANDIN) { $env:SBKUBE_TEST_STANDIN } else { Join-Path $script:Root 'out/standin/kube-standin' }
    $tls = @{}
    if ($ChartTls) {
        $certs = New-TestCertificates (New-Item -ItemType Directory (Join-Path $dir 'certs')).FullName
        $sandbox | Add-Member Certs $certs
        $tls = @{ TlsCert = $certs.Cert; TlsKey = $certs.Key }
    }
    $sandbox.Cluster = Start-KubeStandIn -Executable $standIn -Dir (Join-Path $dir 'cluster') -Charts $charts -ChartAuth 'chartuser:chart-pass' @tls
    $env:SBKUBE_TEST_BITNAMI = Use-KubeStandIn -Cluster $sandbox.Cluster -Path $dir -Example $(if ($Example) { $sandbox.Example })
    $env:SBKUBE_TEST_CALLS = $sandbox.Calls
    $bin = Join-Path $dir 'bin'
    $env:SBKUBE_HELM = New-CallRecorder -Tool (Get-RealHelmPath $Helm) -CallsDir $sandbox.Calls -Destination $bin
    $env:SBKUBE_KUBECTL = New-CallRecorder -Tool (Get-RealKubectlPath $Helm) -CallsDir $sandbox.Calls -Destination $bin
    $sandbox
}

function Remove-SbkubeSandbox([object] $Sandbox) {
    if (-not $Sandbox) { return }
    if ($Sandbox.Cluster) { Stop-KubeStandIn $Sandbox.Cluster }
    if (Test-Path $Sandbox.Dir) { Remove-Item $Sandbox.Dir -Recurse -Force -ErrorAction Ignore }
}

<# Makes each deploy of the example take about -Seconds: writes at the stand-in wait (a redis deploy makes about six). #>
function Set-SlowDeploy([object] $Sandbox, [double] $Seconds) {
    Set-ClusterFault $Sandbox @{ slow_writes_ms = [int]($Seconds * 1000 / 6) }
}

<# Adds kube contexts to a real-Helm sandbox's kubeconfig, each a name for the same stand-in cluster. #>
function Add-KubeContext([object] $Sandbox, [string[]] $Name) {
    foreach ($n in $Name) {
        $log = & (Get-RealKubectlPath 4) config set-context $n --cluster=standin --user=standin --kubeconfig $Sandbox.Cluster.Kubeconfig 2>&1
        if ($LASTEXITCODE -ne 0) { throw "kubectl config set-context $n failed: $log" }
    }
}

<#
    Makes the next deploy of a config's (last) app time out for real: Helm is told to wait briefly, and the
    stand-in never makes the named workload ready. Set-ClusterFault $Sandbox $null ends the fault.
#>
function Set-DeployTimesOut([object] $Sandbox, [string] $ConfigDir, [string] $Workload) {
    Add-Content (Join-Path $ConfigDir 'config.yaml') "    wait: true`n    timeout: 3s"
    Set-ClusterFault $Sandbox @{ never_ready = @($Workload) }
}

<# Publishes a new version of a test chart in a sandbox made with -OwnCharts (helm package, helm repo index). #>
function Publish-TestChart([object] $Sandbox, [string] $Chart, [string] $Version, [string] $Repo = 'bitnami') {
    $out = Join-Path $Sandbox.Charts $Repo
    $helm = Get-RealHelmPath 4
    $log = & $helm package (Join-Path $script:Root "tests/charts/$Repo/$Chart") --version $Version --app-version $Version -d $out 2>&1
    if ($LASTEXITCODE -ne 0) { throw "helm package $Chart $Version failed: $log" }
    $log = & $helm repo index $out 2>&1
    if ($LASTEXITCODE -ne 0) { throw "helm repo index failed: $log" }
}

<# Where this sandbox's 'bitnami' repository is: the stand-in's copy of it. #>
function Get-TestBitnamiUrl { $env:SBKUBE_TEST_BITNAMI }

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

<# The helm (or -Tool kubectl) calls of this sandbox, oldest first: argv, Positional (after '--'), start, end, exit. #>
function Get-HelmCall {
    param([string] $Command, [string] $Tool = 'helm')
    Get-RecordedCall -CallsDir $env:SBKUBE_TEST_CALLS -Tool $Tool -Command $Command
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
    # Every descendant (helm runs behind the sandbox's call recorder), found before any is killed.
    $tree = [Collections.Generic.List[int]]::new()
    if ($WithChildren) {
        $queue = [Collections.Generic.Queue[int]]::new(); $queue.Enqueue($ProcessId)
        while ($queue.Count) { foreach ($c in @(& pgrep -P $queue.Dequeue())) { if ($c) { $tree.Add([int]$c); $queue.Enqueue([int]$c) } } }
    }
    & kill -9 $ProcessId
    foreach ($c in $tree) { & kill -9 $c 2>$null }
}

<# A live lease on state-demo/redis of a run on another host (pid 4242 there), as that run would hold it. #>
function Add-RemoteLock([string] $LockId, [string] $OwnerHost) {
    $expires = if (Test-PostgresBackend) { "now() + interval '1 hour'" } else { "strftime('%Y-%m-%d %H:%M:%f', 'now', '+1 hour')" }
    $acquired = if (Test-PostgresBackend) { 'now()' } else { "strftime('%Y-%m-%d %H:%M:%f', 'now')" }
    Invoke-StateSql ("INSERT INTO locks (lock_id, context, namespace, app, owner, pid, host, operation, acquired_at, expires_at) " +
        "VALUES ('$LockId', 'standin', 'state-demo', 'redis', 'ci@$OwnerHost', 4242, '$OwnerHost', 'apply', $acquired, $expires);") | Out-Null
}

<# Pending revisions in the sandbox's store, on either backend. #>
function Get-PendingCount { [int](Invoke-StateSql "SELECT COUNT(*) FROM deployments WHERE status LIKE 'pending-%';") }

Export-ModuleMember -Function *
