<#
.SYNOPSIS
    The team-state figures of the benchmark: state queries on 1,000,000 revisions in PostgreSQL next
    to psql running the same SQL, and an unchanged apply on PostgreSQL next to the same on SQLite.
    Called by Bench.ps1 with the module imported; uses its Report and Time helpers.
#>
param(
    [Parameter(Mandatory)] [int] $Revisions,
    # The example Bench.ps1 already applied with the state in SQLite.
    [Parameter(Mandatory)] [string] $Example
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'PostgresServer.psm1') -Force
$server = Start-SbkubeTestPostgres
$savedPassword = $env:PGPASSWORD
try {
    $env:PGPASSWORD = $server.Password
    $big = "$($server.Uri)&schema=bench"
    Remove-SbkubeHistory -StateConnection $big -KeepLast 1 -Confirm:$false | Out-Null   # a write creates the schema; nothing to prune yet
    # The same rows as the SQLite figures: 20 namespaces x 500 apps, 100 revisions each at 1,000,000.
    $gen = Time {
        Invoke-TestPsql $server @('-c', @"
INSERT INTO bench.deployments (context, namespace, app, revision, release_name, app_type, chart, chart_ref, chart_version, status, helm_revision, deployed_at, description, config, config_hash)
SELECT '', 'ns-' || (i % 20), 'app-' || ((i / 20) % 500), i / 10000 + 1, 'app-' || ((i / 20) % 500), 'helm', 'redis-17.13.2', 'bitnami/redis', '17.13.2',
       CASE WHEN i / 10000 = ($Revisions / 10000) - 1 THEN 'deployed' ELSE 'superseded' END, i / 10000 + 1,
       timestamptz '2025-01-01 00:00:00+00' + (i / 100) * interval '1 minute', 'bench', '{"app_type":"helm","values":{}}', 'h' || i
FROM generate_series(0, $Revisions - 1) AS i;
ANALYZE bench.deployments;
"@)
    }
    Report "generate $Revisions revisions (psql)" $gen 'ms'

    # The SQL the two cmdlets run, for psql: the floor is a client that only sends it and prints rows.
    $columns = 'id, context, namespace, app, revision, release_name, app_type, chart, chart_ref, chart_version, status, ' +
        'helm_revision, deployed_at, description, config, config_hash, owner_pid, owner_host'
    $historySql = "SELECT $columns FROM bench.deployments WHERE namespace = 'ns-7' AND app = 'app-77' ORDER BY revision DESC, context LIMIT 10"
    $latestSql = "SELECT $columns FROM bench.deployments WHERE namespace = 'ns-7' AND app = 'app-77' AND (context, namespace, app, revision) IN " +
        "(SELECT context, namespace, app, MAX(revision) FROM bench.deployments WHERE namespace = 'ns-7' AND app = 'app-77' GROUP BY context, namespace, app) " +
        'ORDER BY namespace, app, context, revision'

    $psqlHistory = Time { Invoke-TestPsql $server @('-c', $historySql) } -Repeat 5
    $history = Time { Get-SbkubeHistory -StateConnection $big -Namespace ns-7 -App app-77 -Limit 10 } -Repeat 5
    Report 'PostgreSQL: psql, the SQL of Get-SbkubeHistory -Limit 10 (mean of 5)' $psqlHistory 'ms'
    Report 'PostgreSQL: Get-SbkubeHistory -Limit 10 (mean of 5)' $history 'ms'
    Report 'ratio Get-SbkubeHistory / psql (goal: within 2x)' ($history / $psqlHistory) 'x'

    $psqlLatest = Time { Invoke-TestPsql $server @('-c', $latestSql) } -Repeat 5
    $latest = Time { Get-SbkubeState -StateConnection $big -Namespace ns-7 -App app-77 -Latest } -Repeat 5
    Report 'PostgreSQL: psql, the SQL of Get-SbkubeState -Latest (mean of 5)' $psqlLatest 'ms'
    Report 'PostgreSQL: Get-SbkubeState -Namespace -App -Latest (mean of 5)' $latest 'ms'
    Report 'ratio Get-SbkubeState -Latest / psql (goal: within 2x)' ($latest / $psqlLatest) 'x'

    # Listing every revision, next to psql sending the same SQL and printing the rows to /dev/null.
    $listColumns = $columns -replace ', config, ', ', '
    $listSql = "SELECT $listColumns FROM bench.deployments ORDER BY namespace, app, context, revision"
    $psqlArgs = "-h 127.0.0.1 -p $($server.Port) -U $($server.User) -d $($server.Database) -X -q -A -t"
    $psqlList = Time { & bash -c "psql $psqlArgs -c '$listSql' > /dev/null" }
    $pgObjects = Time { Get-SbkubeState -StateConnection $big | Measure-Object }
    $pgJson = Time { Get-SbkubeState -StateConnection $big -Format Json | Out-Null }
    Report 'PostgreSQL: psql, every revision of the listing to /dev/null' $psqlList 'ms'
    Report 'PostgreSQL: Get-SbkubeState | Measure-Object, every revision' $pgObjects 'ms'
    Report '  ratio to psql' ($pgObjects / $psqlList) 'x'
    Report 'PostgreSQL: Get-SbkubeState -Format Json | Out-Null' $pgJson 'ms'
    Report '  ratio to psql (goal: within 2x)' ($pgJson / $psqlList) 'x'

    # Unchanged applies side by side, each store with its own namespace of the cluster.
    $sqliteUnchanged = Time { Invoke-SbkubeApply -Path $Example } -Repeat 5
    $team = "$($server.Uri)&schema=apply"
    Invoke-SbkubeApply -Path $Example -Namespace state-demo-pg -StateConnection $team | Out-Null
    $pgUnchanged = Time { Invoke-SbkubeApply -Path $Example -Namespace state-demo-pg -StateConnection $team } -Repeat 5
    Report 'unchanged apply, state in SQLite (mean of 5)' $sqliteUnchanged 'ms'
    Report 'unchanged apply, state in PostgreSQL (mean of 5)' $pgUnchanged 'ms'
    Report 'ratio PostgreSQL / SQLite (goal: within 1.5x)' ($pgUnchanged / $sqliteUnchanged) 'x'
}
finally {
    $env:PGPASSWORD = $savedPassword
    Stop-SbkubeTestPostgres $server
}
