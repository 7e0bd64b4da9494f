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
    }

    It 'exports an explicit list with no wildcards, equal to what the module really exports' {
        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            @($data[$key]) -join ',' | Should -Not -Match '\*'
        }
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($data.CmdletsToExport | Sort-Object)
        @($module.ExportedFunctions.Keys | Sort-Object) | Should -Be @(@($data.FunctionsToExport) | Sort-Object)
    }

    It 'every exported output type has a default view' {
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
