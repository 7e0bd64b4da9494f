<#
.SYNOPSIS
    SBKube's speed figures (DESIGN section 8): import time, unchanged apply, parallel apply, and
    state queries on a database of 1,000,000 revisions. Prints figures and ratios; asserts nothing.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # The build's output: the real Helm and kubectl, the API stand-in and the test charts (./build.ps1 -Task Prerequisites).
    [string] $Out = (Join-Path (Split-Path $PSScriptRoot) 'out'),
    [int] $Revisions = 1000000,
    # Leave out the PostgreSQL figures (they start a server and fill it).
    [switch] $SkipPostgres,
    # Every figure is also written here as JSON (name, value, unit).
    [string] $JsonPath
)
$ErrorActionPreference = 'Stop'
$work = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
$env:SBKUBE_STATE_DB = Join-Path $work 'state.db'
$root = Split-Path $PSScriptRoot
# Real Helm 4 against the Kubernetes API stand-in, through a call recorder (so the calls can be counted; the
# floors go through it too).
Import-Module (Join-Path $PSScriptRoot 'RealTools.psm1')
$cluster = Start-SbkubePlayground -Path $work -Out $Out
$calls = Join-Path $work 'calls'
$env:SBKUBE_HELM = New-CallRecorder -Tool $env:SBKUBE_HELM -CallsDir $calls -Destination (Join-Path $work 'bin')
$bitnami = "$($cluster.Url)/charts/bitnami"

$figures = [System.Collections.Generic.List[object]]::new()
function Report([string] $Name, [double] $Value, [string] $Unit) {
    $figures.Add([ordered]@{ name = $Name.Trim(); value = [math]::Round($Value, 2); unit = $Unit })
    '{0,-58} {1,12:N1} {2}' -f $Name, $Value, $Unit
}
# A config of $Count independent nginx apps spread over $Namespaces namespaces.
function New-ManyAppsConfig([string] $Folder, [int] $Count, [int] $Namespaces) {
    New-Item -ItemType Directory $Folder | Out-Null
    "helm_repos:`n  bitnami: $bitnami`n" | Set-Content (Join-Path $Folder 'sources.yaml')
    "namespace: bench-0`napps:`n" + ((1..$Count | ForEach-Object {
        "  app$($_):`n    chart: bitnami/nginx`n    version: 15.0.0`n    namespace: bench-$($_ % $Namespaces)`n" }) -join '') |
        Set-Content (Join-Path $Folder 'config.yaml')
}
function Time([scriptblock] $Block, [int] $Repeat = 1) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Repeat; $i++) { & $Block | Out-Null }
    $sw.Elapsed.TotalMilliseconds / $Repeat
}
# Runs helm directly with each argument list, $Parallel processes at a time: the floor SBKube's own runs are set against.
function Invoke-HelmBatch([string[][]] $ArgumentLists, [int] $Parallel) {
    for ($i = 0; $i -lt $ArgumentLists.Count; $i += $Parallel) {
        $batch = foreach ($argv in $ArgumentLists[$i..([math]::Min($i + $Parallel, $ArgumentLists.Count) - 1)]) {
            $psi = [Diagnostics.ProcessStartInfo]::new($env:SBKUBE_HELM)
            foreach ($a in $argv) { $psi.ArgumentList.Add($a) }
            $psi.RedirectStandardOutput = $true; $psi.RedirectStandardInput = $true
            $p = [Diagnostics.Process]::Start($psi); $p.StandardInput.Close(); $p
        }
        foreach ($p in $batch) { $p.StandardOutput.ReadToEnd() | Out-Null; $p.WaitForExit() }
    }
}
# The argv of the last $Last recorded calls of a helm command, oldest first.
function Get-CallArgv([string] $Command, [int] $Last = 1) {
    $argvs = [System.Collections.Generic.List[string[]]]::new()
    Get-RecordedCall -CallsDir $calls -Command $Command | Select-Object -Last $Last | ForEach-Object { $argvs.Add([string[]] $_.argv) }
    , $argvs
}
function Get-CallCount([string] $Command) { @(Get-RecordedCall -CallsDir $calls -Command $Command).Count }

try {
    "SBKube benchmark ($([Environment]::ProcessorCount) cores, PowerShell $($PSVersionTable.PSVersion))"
    ''
    # 1. Start-up: a pwsh that imports the module, next to a bare pwsh (both whole processes).
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    # Interleaved, so that a busy moment of the machine weighs on both.
    # A module of one empty function: what Import-Module itself costs the first time in a session.
    $empty = Join-Path $work 'Empty.psm1'
    Set-Content -LiteralPath $empty -Value 'function Get-Nothing { }'
    # SBKube's layout with nothing in it: a manifest, a binary root module of one cmdlet and a script module
    # of one function. What PowerShell itself takes to import that shape, before any of SBKube's code runs.
    $layout = Join-Path $work 'Layout'
    New-Item -ItemType Directory -Path $layout | Out-Null
    Add-Type -OutputAssembly (Join-Path $layout 'Layout.dll') -OutputType Library -TypeDefinition @'
using System.Management.Automation;
[Cmdlet(VerbsCommon.Get, "LayoutNothing")]
public sealed class GetLayoutNothingCommand : PSCmdlet { }
'@
    Set-Content -LiteralPath (Join-Path $layout 'Layout.psm1') -Value 'function Get-LayoutFunction { }'
    Set-Content -LiteralPath (Join-Path $layout 'Layout.psd1') -Value ("@{ RootModule = 'Layout.dll'; ModuleVersion = '1.0.0'; GUID = '$([guid]::NewGuid())'; " +
        "NestedModules = @('Layout.psm1'); CmdletsToExport = @('Get-LayoutNothing'); FunctionsToExport = @('Get-LayoutFunction'); AliasesToExport = @(); VariablesToExport = @() }")
    $bareRuns = [System.Collections.Generic.List[double]]::new(); $moduleRuns = [System.Collections.Generic.List[double]]::new()
    $emptyRuns = [System.Collections.Generic.List[double]]::new(); $layoutRuns = [System.Collections.Generic.List[double]]::new()
    # Each timed start follows an untimed one of the same command: pwsh pre-compiles on start what the run
    # before it compiled (its startup profile), so a start timed after a different command pays for that one.
    function Measure-StartUp([string] $Command) {
        & dotnet $pwshDll -NoProfile -NonInteractive -Command $Command
        (Measure-Command { & dotnet $pwshDll -NoProfile -NonInteractive -Command $Command }).TotalMilliseconds
    }
    foreach ($i in 1..7) {
        $bareRuns.Add((Measure-StartUp 'exit'))
        $moduleRuns.Add((Measure-StartUp "Import-Module '$ModulePath'"))
        $emptyRuns.Add((Measure-StartUp "Import-Module '$empty'"))
        $layoutRuns.Add((Measure-StartUp "Import-Module '$layout/Layout.psd1'"))
    }
    $bare = ($bareRuns | Sort-Object)[3]; $withModule = ($moduleRuns | Sort-Object)[3]; $withEmpty = ($emptyRuns | Sort-Object)[3]
    $withLayout = ($layoutRuns | Sort-Object)[3]
    Report 'floor: pwsh -c exit (median of 7)' $bare 'ms'
    Report "pwsh -c 'Import-Module SBKube' (median of 7, interleaved)" $withModule 'ms'
    Report '  ratio to the bare start (goal: within 1.25x)' ($withModule / $bare) 'x'
    Report "floor: pwsh -c 'Import-Module' of a one-function module (median of 7)" $withEmpty 'ms'
    Report '  ratio of that floor to the bare start' ($withEmpty / $bare) 'x'
    Report "floor: pwsh -c 'Import-Module' of SBKube's layout, empty (median of 7)" $withLayout 'ms'
    Report '  ratio of that floor to the bare start' ($withLayout / $bare) 'x'
    Report '  ratio of SBKube to that floor' ($withModule / $withLayout) 'x'

    Import-Module $ModulePath
    # 2. Unchanged apply: no helm upgrade.
    $example = Join-Path $work 'example'
    Copy-Item (Join-Path $root 'examples/state-management') $example -Recurse
    $sources = Join-Path $example 'sources.yaml'
    (Get-Content $sources -Raw).Replace('https://charts.bitnami.com/bitnami', $bitnami) | Set-Content $sources -NoNewline
    $first = Time { Invoke-SbkubeApply -Path $example }
    $upgradesBefore = Get-CallCount upgrade
    $unchanged = Time { Invoke-SbkubeApply -Path $example } -Repeat 5
    Report 'first apply (install through real Helm)' $first 'ms'
    Report 'unchanged apply (mean of 5)' $unchanged 'ms'
    Report 'helm upgrade calls made by the 5 unchanged applies' ((Get-CallCount upgrade) - $upgradesBefore) 'calls'
    Report 'ratio first / unchanged' ($first / $unchanged) 'x'

    # 3. An unchanged apply of 100 apps in 5 namespaces: one helm list per namespace, no upgrade.
    $hundred = Join-Path $work 'hundred'
    New-ManyAppsConfig $hundred 100 5
    Invoke-SbkubeApply -Path $hundred -ThrottleLimit 8 | Out-Null
    $listsBefore = Get-CallCount list; $upgradesBefore = Get-CallCount upgrade
    $unchanged100 = Time { Invoke-SbkubeApply -Path $hundred }
    Report 'unchanged apply of 100 apps in 5 namespaces' $unchanged100 'ms'
    Report '  helm list calls it made (goal: at most 5)' ((Get-CallCount list) - $listsBefore) 'calls'
    Report '  helm upgrade calls it made (goal: 0)' ((Get-CallCount upgrade) - $upgradesBefore) 'calls'
    Report '  ratio to the unchanged apply of one app (goal: within 1.5x)' ($unchanged100 / $unchanged) 'x'
    # Its floor: the five helm list processes that apply ran (their argv from the call log), started together.
    $lists = Get-CallArgv list 5
    $listFloor = Time { Invoke-HelmBatch $lists 5 } -Repeat 3
    Report 'floor: the 5 helm list processes alone, together (mean of 3)' $listFloor 'ms'
    Report '  ratio of the 100-app apply to that floor' ($unchanged100 / $listFloor) 'x'

    # 4. Parallel apply along the DAG: 16 independent apps, each upgrade slowed to about 2 s at the stand-in
    # (long enough that helm's own start-up on 2 cores does not hide the orchestration).
    $many = Join-Path $work 'many'
    New-ManyAppsConfig $many 16 1
    Invoke-SbkubeApply -Path $many -ThrottleLimit 8 | Out-Null
    $faults = Join-Path $cluster.Dir 'faults.json'
    '{"slow_writes_ms": 500}' | Set-Content $faults
    $serial = Time { Invoke-SbkubeApply -Path $many -ThrottleLimit 1 -Force }
    $parallel = Time { Invoke-SbkubeApply -Path $many -ThrottleLimit 8 -Force }
    # Its floor: the same 16 upgrades run by helm directly, 8 at a time (other release names, same slow writes).
    $upgrade = (Get-CallArgv upgrade)[0]
    $at = [array]::IndexOf($upgrade, '--') + 1
    $upgrades = 1..16 | ForEach-Object { $argv = $upgrade.Clone(); $argv[$at] = "floor-$_"; , $argv }
    $upgradeFloor = Time { Invoke-HelmBatch $upgrades 8 }
    Remove-Item $faults
    Report '16 apps, 2 s upgrades, -ThrottleLimit 1' $serial 'ms'
    Report '16 apps, 2 s upgrades, -ThrottleLimit 8' $parallel 'ms'
    Report '  speed-up (goal: at least 6x)' ($serial / $parallel) 'x'
    Report 'floor: the 16 helm upgrades alone, 8 at a time' $upgradeFloor 'ms'
    Report '  ratio of -ThrottleLimit 8 to that floor' ($parallel / $upgradeFloor) 'x'
    Report '  speed-up the floor allows (-ThrottleLimit 1 / floor)' ($serial / $upgradeFloor) 'x'

    # 5. Queries on a large state DB (rows generated with the sqlite3 CLI).
    if (Get-Command sqlite3 -ErrorAction Ignore) {
        $big = Join-Path $work 'big.db'
        Remove-SbkubeHistory -StatePath $big -KeepLast 1 -Confirm:$false | Out-Null   # a write creates the schema; nothing to prune yet
        $gen = Time {
            & sqlite3 $big @"
PRAGMA journal_mode=WAL;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $Revisions - 1)
INSERT INTO deployments (context, namespace, app, revision, release_name, app_type, chart, chart_ref, chart_version, status, helm_revision, deployed_at, description, config, config_hash)
SELECT '', 'ns-' || (i % 20), 'app-' || ((i / 20) % 500), i / 10000 + 1, 'app-' || ((i / 20) % 500), 'helm', 'redis-17.13.2', 'bitnami/redis', '17.13.2',
       CASE WHEN i / 10000 = ($Revisions / 10000) - 1 THEN 'deployed' ELSE 'superseded' END, i / 10000 + 1,
       datetime('2025-01-01', '+' || (i / 100) || ' minutes'), 'bench', '{"app_type":"helm","values":{}}', 'h' || i FROM n;
PRAGMA wal_checkpoint(TRUNCATE);
"@
        }
        $size = (Get-Item $big).Length / 1MB
        Report "generate $Revisions revisions (sqlite3)" $gen 'ms'
        Report 'state DB size' $size 'MiB'
        Report 'Get-SbkubeHistory -Limit 10 (mean of 5)' (Time { Get-SbkubeHistory -StatePath $big -Namespace ns-7 -App app-77 -Limit 10 } -Repeat 5) 'ms'
        Report 'Get-SbkubeState -Namespace -App -Latest (mean of 5)' (Time { Get-SbkubeState -StatePath $big -Namespace ns-7 -App app-77 -Latest } -Repeat 5) 'ms'
        Report 'Get-SbkubeDeployment -Revision current (mean of 5)' (Time { Get-SbkubeDeployment -StatePath $big -Namespace ns-7 -App app-77 } -Repeat 5) 'ms'
        Report 'Export-SbkubeMetrics over all revisions' (Time { Export-SbkubeMetrics -StatePath $big }) 'ms'

        # Listing every revision streams: objects, the seed's table and JSON, each next to its floor.
        $floor = Time { [System.Linq.Enumerable]::Range(0, $Revisions) | Measure-Object }
        $objects = Time { Get-SbkubeState -StatePath $big | Measure-Object }
        Report "pipeline floor: Range(0, $Revisions) | Measure-Object" $floor 'ms'
        Report 'Get-SbkubeState | Measure-Object, every revision' $objects 'ms'
        Report '  ratio to the pipeline floor (goal: within 1.5x)' ($objects / $floor) 'x'
        # What SQLite alone needs for the same rows in the listing's order (the sort is most of it), before
        # PowerShell sees a row: the listing's cost is that plus the pipeline's.
        $columns = 'id, context, namespace, app, revision, release_name, app_type, chart, chart_ref, chart_version, status, helm_revision, deployed_at, description'
        $listing = "SELECT $columns FROM deployments ORDER BY namespace, app, context, revision"
        $sqliteRead = Time { & bash -c "sqlite3 '$big' '$listing' > /dev/null" }
        Report 'floor: sqlite3 reading the same rows in the same order (to /dev/null)' $sqliteRead 'ms'
        Report '  ratio of that floor to the pipeline floor' ($sqliteRead / $floor) 'x'
        Report '  ratio of Get-SbkubeState to both floors added' ($objects / ($sqliteRead + $floor)) 'x'
        $table = Time { sbkube state list --state-db $big | Measure-Object }
        Report 'sbkube state list (the seed table), every revision' $table 'ms'
        Report '  ratio to Get-SbkubeState | Measure-Object (goal: within 1.5x)' ($table / $objects) 'x'
        $sqliteJson = Time { & bash -c "sqlite3 -json '$big' '$listing' > /dev/null" }
        $json = Time { Get-SbkubeState -StatePath $big -Format Json | Out-Null }
        Report 'sqlite3 -json of the same columns (to /dev/null)' $sqliteJson 'ms'
        Report 'Get-SbkubeState -Format Json | Out-Null' $json 'ms'
        Report '  ratio to sqlite3 -json (goal: within 2x)' ($json / $sqliteJson) 'x'
        $growth = & dotnet $pwshDll -NoProfile -NonInteractive -Command (
            "Import-Module '$ModulePath'; Get-SbkubeState -StatePath '$big' -Namespace ns-0 -App app-0 | Out-Null; [GC]::Collect(); " +
            '$p = [Diagnostics.Process]::GetCurrentProcess(); $base = $p.WorkingSet64; ' +
            "Get-SbkubeState -StatePath '$big' | Measure-Object | Out-Null; " + '$p.Refresh(); ($p.PeakWorkingSet64 - $base) / 1MB')
        Report 'peak memory growth while listing every revision (goal: < 100)' ([double]$growth) 'MiB'

        # Prune: all but each app's newest 10 revisions (900,000 of 1,000,000); the dry run prints one line per app.
        $dry = Time { sbkube state prune --state-db $big --keep-last 10 --dry-run | Measure-Object }
        Report 'sbkube state prune --keep-last 10 --dry-run (summary per app)' $dry 'ms'
        $pruned = Time { Remove-SbkubeHistory -StatePath $big -KeepLast 10 -Confirm:$false }
        $left = [double](& sqlite3 $big 'SELECT COUNT(*) FROM deployments;')
        Report "Remove-SbkubeHistory removing $($Revisions - $left) of $Revisions (goal: 900,000 of 1,000,000 within 10 s)" $pruned 'ms'
        Report '  revisions left' $left 'rows'
    }
    else {
        'sqlite3 not found: skipped the large-database figures (apt-get install sqlite3).'
    }

    # 6. The same on PostgreSQL, each figure next to psql running the same SQL.
    if ($SkipPostgres) { }
    elseif (Get-ChildItem /usr/lib/postgresql/*/bin/initdb -ErrorAction Ignore) {
        ''
        & (Join-Path $PSScriptRoot 'Bench.Postgres.ps1') -Revisions $Revisions -Example $example
    }
    else {
        'PostgreSQL not found: skipped the team-state figures (./build.ps1 -Task Prerequisites).'
    }
}
finally {
    if ($JsonPath) {
        [ordered]@{ cores = [Environment]::ProcessorCount; powershell = "$($PSVersionTable.PSVersion)"; revisions = $Revisions; figures = $figures } |
            ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $JsonPath
    }
    Remove-Module SBKube -ErrorAction Ignore
    Stop-KubeStandIn $cluster
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
