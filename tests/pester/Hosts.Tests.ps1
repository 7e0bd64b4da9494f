# The module on the hosts its manifest claims: the assembly reference check, a .NET 8 / .NET 9 probe
# that loads the engine through the module's own load context, and the shipped native libraries.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:ModuleFolder = Split-Path (Get-TestModulePath)
    $script:RepoRoot = (Resolve-Path "$PSScriptRoot/../..").Path
    $script:NuGet = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $script:Check = Join-Path $RepoRoot 'build/AssemblyCheck/bin/Release/net10.0/AssemblyCheck.dll'
    $script:Net8 = Join-Path $NuGet 'microsoft.netcore.app.ref/8.0.34/ref/net8.0'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-hosts-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $Work | Out-Null

    function Invoke-Probe([string] $Framework) {
        $out = Join-Path $Work "probe-$Framework"
        $log = & dotnet publish (Join-Path $RepoRoot 'tests/HostProbe/HostProbe.csproj') -f $Framework -r linux-x64 -c Release `
            -o $out --nologo -v q "-p:ModuleFolder=$ModuleFolder" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "publishing the $Framework probe failed: $log" }
        $lines = & (Join-Path $out 'HostProbe') $ModuleFolder (Join-Path $Work "round-trip-$Framework") 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = @($lines | ForEach-Object { "$_" }) }
    }
}

AfterAll { Remove-Item $Work -Recurse -Force -ErrorAction Ignore }

Describe 'The build-time assembly reference check' {
    It 'passes the built module against .NET 8' {
        $text = & dotnet $Check $ModuleFolder "net8.0=$Net8" --host-provided System.Management.Automation 2>&1
        $LASTEXITCODE | Should -Be 0
        $text | Should -Contain 'assembly check: ok'
    }

    It 'refuses a DLL that asks for a framework assembly newer than .NET 8 provides' {
        $fake = Join-Path $Work 'fake-module'
        New-Item -ItemType Directory -Force -Path $fake | Out-Null
        # System.Text.Json 10 asks for System.Text.Encodings.Web 10: what broke PowerShell 7.4.
        Copy-Item (Join-Path $NuGet 'system.text.json/10.0.5/lib/netstandard2.0/System.Text.Json.dll') $fake
        $text = & dotnet $Check $fake "net8.0=$Net8" 2>&1
        $LASTEXITCODE | Should -Be 1
        ($text -join "`n") | Should -Match 'System.Text.Json.dll asks for System.Text.Encodings.Web 10\.0\.0\.0; net8.0 provides 8\.0\.0\.0'
    }
}

Describe 'The engine on older .NET runtimes (PowerShell 7.4 and 7.5)' {
    It 'loads and runs a store, config, JSON, process and PostgreSQL-client round trip on <Framework>' -ForEach @(
        @{ Framework = 'net8.0'; Runtime = '.NET 8.0.' }
        @{ Framework = 'net9.0'; Runtime = '.NET 9.0.' }
    ) {
        $r = Invoke-Probe $Framework
        $r.Lines | Should -Contain 'probe: ok' -Because ($r.Lines -join "`n")
        $r.ExitCode | Should -Be 0
        ($r.Lines | Where-Object { $_ -like 'runtime: *' }) | Should -BeLike "runtime: $Runtime*"
        # The framework's own System.Text.Json serves the engine; third-party code stays private.
        $r.Lines | Should -Contain "loaded: System.Text.Json $($Framework -replace '^net(\d)\.0$', '$1').0.0.0 default"
        $r.Lines | Should -Contain 'loaded: YamlDotNet 18.0.0.0 private'
        ($r.Lines | Where-Object { $_ -like 'loaded: Microsoft.Data.Sqlite *' }) | Should -BeLike '* private'
        # No host copy of this polyfill here: the module's own is loaded instead of failing.
        ($r.Lines | Where-Object { $_ -like 'loaded: Microsoft.Bcl.AsyncInterfaces *' }) | Should -BeLike '* private'
    }
}

Describe 'Native SQLite for every platform PowerShell runs on' {
    It 'ships e_sqlite3 for <Rid>' -ForEach @(
        @{ Rid = 'win-x64'; File = 'e_sqlite3.dll' }, @{ Rid = 'win-x86'; File = 'e_sqlite3.dll' }, @{ Rid = 'win-arm64'; File = 'e_sqlite3.dll' }
        @{ Rid = 'linux-x64'; File = 'libe_sqlite3.so' }, @{ Rid = 'linux-arm64'; File = 'libe_sqlite3.so' }, @{ Rid = 'linux-arm'; File = 'libe_sqlite3.so' }
        @{ Rid = 'linux-musl-x64'; File = 'libe_sqlite3.so' }, @{ Rid = 'linux-musl-arm64'; File = 'libe_sqlite3.so' }
        @{ Rid = 'osx-x64'; File = 'libe_sqlite3.dylib' }, @{ Rid = 'osx-arm64'; File = 'libe_sqlite3.dylib' }
    ) {
        Join-Path $ModuleFolder "deps/runtimes/$Rid/native/$File" | Should -Exist
    }
}
