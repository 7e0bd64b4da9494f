# Issue 7: the manifest is gallery-ready and the package installs with PSResourceGet and works by name.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $modulePath = Get-TestModulePath
    $root = if ($env:SBKUBE_TEST_ROOT) { $env:SBKUBE_TEST_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
}

Describe 'Module manifest' {
    BeforeAll {
        $manifest = Test-ModuleManifest $modulePath
        $data = Import-PowerShellDataFile $modulePath
        $module = Import-Module $modulePath -PassThru -Force
    }

    It 'passes Test-ModuleManifest with version, GUID, author and description' {
        $manifest.Version | Should -Not -BeNullOrEmpty
        $manifest.Guid | Should -Not -Be ([guid]::Empty)
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.Description.Length | Should -BeGreaterThan 40
    }

    It 'carries the gallery tags, ProjectUri and LicenseUri' {
        foreach ($tag in 'Kubernetes', 'Helm', 'Deployment', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS') {
            $data.PrivateData.PSData.Tags | Should -Contain $tag
        }
        $data.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $data.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $data.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $data.DotNetFrameworkVersion | Should -Be '4.7.2' -Because 'the assembly check holds Windows PowerShell to .NET Framework 4.7.2'
    }

    It 'exports an explicit list with no wildcards, equal to what the module really exports' {
        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            @($data[$key]) -join ',' | Should -Not -Match '\*'
        }
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($data.CmdletsToExport | Sort-Object)
        @($module.ExportedFunctions.Keys | Sort-Object) | Should -Be @(@($data.FunctionsToExport) | Sort-Object)
    }

    It 'importing adds no views; the first SBKube command adds them' {
        # The first format file a session loads builds PowerShell's formatting database: not at import.
        $r = Invoke-FreshPwsh ("Import-Module '$modulePath'; @(Get-FormatData -TypeName SBKube.Core.State.DeploymentRecord).Count; " +
            "try { Get-SbkubeLock -StatePath '$(Join-Path ([IO.Path]::GetTempPath()) 'sbkube-no-such-dir/state.db')' -ErrorAction Stop } catch { }; " +
            '@(Get-FormatData -TypeName SBKube.Core.State.DeploymentRecord).Count')
        $r.Output | Should -Be @('0', '1')
    }

    It 'every exported output type has a default view' {
        try { Get-SbkubeLock -StatePath (Join-Path ([IO.Path]::GetTempPath()) 'sbkube-no-such-dir/state.db') -ErrorAction Stop } catch { }
        $types = $module.ExportedCmdlets.Values | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and $_.Namespace -like 'SBKube*' } | Sort-Object FullName -Unique
        $views = Get-FormatData -TypeName ($types.FullName) -PowerShellVersion $PSVersionTable.PSVersion
        foreach ($t in $types) {
            $views.TypeNames | Should -Contain $t.FullName -Because "$($t.FullName) needs a Format.ps1xml view"
        }
    }
}

Describe 'Installing from a PSResourceGet repository' {
    It 'installs SBKube by name from a local repository and runs the demo scenario from the installed copy' {
        $work = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-install-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $work | Out-Null
        try {
            $pkg = & (Join-Path $root 'build/New-Package.ps1') -ModulePath (Split-Path $modulePath) -OutputPath $work | Select-Object -Last 1
            $pkg.Name | Should -Match '^SBKube\.\d+\.\d+\.\d+\.nupkg$'
            $repo = Join-Path $work 'repo'
            New-Item -ItemType Directory $repo | Out-Null
            Move-Item $pkg.FullName $repo
            $sandbox = New-SbkubeSandbox
            # A fresh HOME is a fresh CurrentUser scope: nothing of the build is visible there.
            $homeDir = Join-Path $work 'home'
            New-Item -ItemType Directory $homeDir | Out-Null
            $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name sbkube-local -Uri '$repo' -Trusted
Install-PSResource SBKube -Repository sbkube-local -Scope CurrentUser -TrustRepository -Quiet
"@
            $realHome = $env:HOME
            $env:HOME = $homeDir
            try { $r = Invoke-FreshPwsh $script } finally { $env:HOME = $realHome }
            $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
            $use = @"
`$ErrorActionPreference = 'Stop'
Import-Module SBKube
"from=`$((Get-Module SBKube).ModuleBase)"
(Invoke-SbkubeApply -Path '$($sandbox.Example)').Outcome
(Get-SbkubeState -Namespace state-demo -Latest).Status
"@
            $env:HOME = $homeDir
            try { $r = Invoke-FreshPwsh $use } finally { $env:HOME = $realHome }
            $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
            ($r.Output | Where-Object { $_ -like 'from=*' }) | Should -BeLike "from=$homeDir*"
            $r.Output | Should -Contain 'Installed'
            $r.Output | Should -Contain 'deployed'
        }
        finally {
            Remove-Item $work -Recurse -Force -ErrorAction Ignore
            if ($sandbox) { Remove-SbkubeSandbox $sandbox }
        }
    }
}

Describe 'What the package carries' {
    BeforeAll {
        $work = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-pack-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $work | Out-Null
        $pkg = & (Join-Path $root 'build/New-Package.ps1') -ModulePath (Split-Path $modulePath) -OutputPath $work | Select-Object -Last 1
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($pkg.FullName)
        try {
            $entries = @($zip.Entries.FullName)
            $reader = [IO.StreamReader]::new(($zip.Entries | Where-Object FullName -eq 'SBKube.nuspec').Open())
            [xml] $nuspec = $reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $version = ([xml] (Get-Content -Raw (Join-Path $root 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
    }
    AfterAll { Remove-Item $work -Recurse -Force -ErrorAction Ignore }

    It 'takes its version from Directory.Build.props and its release notes from that version in CHANGELOG.md' {
        $nuspec.package.metadata.version | Should -Be $version
        $section = [regex]::Match((Get-Content -Raw (Join-Path $root 'CHANGELOG.md')), "(?ms)^## $([regex]::Escape($version))\s*\n(?<n>.*?)(?=^## |\z)").Groups['n'].Value.Trim()
        $section | Should -Not -BeNullOrEmpty
        $nuspec.package.metadata.releaseNotes.Trim() | Should -Be $section
    }

    It 'ships the LICENSE the manifest points to, and an icon URL' {
        $entries | Should -Contain 'LICENSE'
        (Get-Content -Raw (Join-Path $root 'LICENSE')) | Should -Match 'MIT License'
        $nuspec.package.metadata.licenseUrl | Should -BeLike '*/LICENSE'
        $nuspec.package.metadata.iconUrl | Should -Match '^https://.+\.png$'
        Join-Path $root 'docs/icon.png' | Should -Exist
    }

    It 'is found by Find-PSResource -CommandName in a repository, for a cmdlet and for the sbkube function' {
        $repo = Join-Path $work 'repo'
        $homeDir = Join-Path $work 'home'
        New-Item -ItemType Directory $repo, $homeDir | Out-Null
        Copy-Item $pkg.FullName $repo
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name sbkube-local -Uri '$repo' -Trusted
foreach (`$c in 'Invoke-SbkubeApply', 'sbkube', 'Get-NoSuchThing') {
    "`$c=`$(@(Find-PSResource -CommandName `$c -Repository sbkube-local -ErrorAction SilentlyContinue).ParentResource.Name -join ',')"
}
"@
        $realHome = $env:HOME
        $env:HOME = $homeDir
        try { $r = Invoke-FreshPwsh $script } finally { $env:HOME = $realHome }
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain 'Invoke-SbkubeApply=SBKube'
        $r.Output | Should -Contain 'sbkube=SBKube'
        $r.Output | Should -Contain 'Get-NoSuchThing='
    }
}

Describe 'Help' {
    It 'gives every cmdlet an online link to its page, which Get-Help -Online opens' {
        $module = Import-Module $modulePath -PassThru -Force
        $project = (Import-PowerShellDataFile $modulePath).PrivateData.PSData.ProjectUri
        foreach ($name in $module.ExportedCmdlets.Keys) {
            $first = @((Get-Help $name -Full).relatedLinks.navigationLink)[0]
            $first.uri | Should -Be "$project/blob/main/docs/cmdlets/$name.md"
            Join-Path $root "docs/cmdlets/$name.md" | Should -Exist
        }
    }

    It 'gives the sbkube function an online link too, to the README''s command table' {
        $project = (Import-PowerShellDataFile $modulePath).PrivateData.PSData.ProjectUri
        Import-Module $modulePath -Force
        @((Get-Help sbkube -Full).relatedLinks.navigationLink)[0].uri | Should -Be "$project/blob/main/README.md#cmdlets"
        Get-Content (Join-Path $root 'README.md') | Should -Contain '## Cmdlets'
    }

    It 'runs nothing at import but definitions: the nested module''s top level calls no command' {
        # A command at the top of the script module (Register-ArgumentCompleter, Set-StrictMode) costs every
        # fresh pwsh that imports SBKube about 20 ms; the bench shows the start-up next to a bare pwsh.
        $psm1 = Join-Path (Split-Path $modulePath) 'SBKube.Commands.psm1'
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($psm1, [ref] $null, [ref] $null)
        $topLevel = @($ast.EndBlock.Statements)
        $calls = @($topLevel | Where-Object { $_.Find({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -or $n -is [System.Management.Automation.Language.InvokeMemberExpressionAst] }, $false) -and $_ -isnot [System.Management.Automation.Language.FunctionDefinitionAst] })
        $calls | ForEach-Object { $_.Extent.Text } | Should -BeNullOrEmpty
        ($topLevel | Where-Object { $_ -is [System.Management.Automation.Language.FunctionDefinitionAst] }).Name | Should -Contain 'sbkube'
    }
}
