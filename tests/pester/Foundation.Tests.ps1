# Also runs on: postgres
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force
}

Describe 'Invoke-SbkubeApply and Get-SbkubeState on the seed example' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'deploys redis once and records one deployed row that sqlite3 can read' {
        $r = Invoke-SbkubeApply -Path $s.Example
        $r.Outcome | Should -Be 'Installed'
        $r.Revision | Should -Be 1
        $rows = @(Get-SbkubeState)
        $rows.Count | Should -Be 1
        $rows[0].Namespace | Should -Be 'state-demo'
        $rows[0].App | Should -Be 'redis'
        $rows[0].Status | Should -Be 'deployed'
        $rows[0].Chart | Should -Be 'redis-17.13.2'
        $rows[0].HelmRevision | Should -Be 1
        Invoke-StateSql 'SELECT namespace, app, revision, status, chart FROM deployments;' |
            Should -Be 'state-demo|redis|1|deployed|redis-17.13.2'
    }

    It 're-applying an unchanged config reports Unchanged and makes no helm upgrade call' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $upgrades = @(Get-HelmCall -Command upgrade).Count
        $r = Invoke-SbkubeApply -Path $s.Example
        $r.Outcome | Should -Be 'Unchanged'
        @(Get-HelmCall -Command upgrade).Count | Should -Be $upgrades
        @(Get-SbkubeState).Count | Should -Be 1
        (& $env:SBKUBE_HELM history redis -n state-demo -o json | ConvertFrom-Json).Count | Should -Be 1
    }

    It 'changing a value creates revision 2 "Updated values" and supersedes revision 1' {
        $first = Invoke-SbkubeApply -Path $s.Example
        # Seen once on PostgreSQL in CI: the second apply installed, as if the first had recorded nothing.
        $first.Outcome | Should -Be 'Installed' -Because "the first apply must have deployed ($($first.ErrorId): $($first.Message))"
        $values = Join-Path $s.Example 'values/redis.yaml'
        (Get-Content $values -Raw).Replace('state-demo-v1', 'state-demo-v2') | Set-Content $values -NoNewline
        $r = Invoke-SbkubeApply -Path $s.Example
        $r.Outcome | Should -Be 'Upgraded'
        $r.Revision | Should -Be 2
        $r.Description | Should -Be 'Updated values'
        (Get-SbkubeState | ForEach-Object Status) | Should -Be @('superseded', 'deployed')
    }

    It 'the default table has the seed columns' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $header = (Get-SbkubeState | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_ -match 'NAMESPACE' } | Select-Object -First 1
        $header -replace '\s+', ' ' | Should -Match '^\s*NAMESPACE APP REVISION STATUS DEPLOYED AT CHART\s*$'
    }

    It '-Format Json prints the seed JSON list' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $json = Get-SbkubeState -Format Json | ConvertFrom-Json
        $json[0].namespace | Should -Be 'state-demo'
        $json[0].revision | Should -Be 1
        $json[0].status | Should -Be 'deployed'
    }

    It '-WhatIf returns the plan, records nothing and calls no upgrade' {
        $plan = Invoke-SbkubeApply -Path $s.Example -WhatIf
        $plan.App | Should -Be 'redis'
        "$($plan.Action)" | Should -Be 'Install'
        $plan.Description | Should -Be 'Initial deployment'
        @($plan.Differences).Count | Should -Be 0
        @(Get-HelmCall -Command upgrade).Count | Should -Be 0
        # Nothing recorded, and on a first run not even a store created.
        if (Test-PostgresBackend) { @(Get-SbkubeState).Count | Should -Be 0 } else { $s.StateDb | Should -Not -Exist }
    }

    It '-WhatIf of a change lists its differences, secrets masked, and an unchanged app as unchanged' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        "$((Invoke-SbkubeApply -Path $s.Example -WhatIf).Action)" | Should -Be 'Unchanged'
        $values = Join-Path $s.Example 'values/redis.yaml'
        (Get-Content $values -Raw).Replace('state-demo-v1', 'state-demo-v2') | Set-Content $values -NoNewline
        $plan = Invoke-SbkubeApply -Path $s.Example -WhatIf
        "$($plan.Action)" | Should -Be 'Upgrade'
        $plan.DeployedRevision | Should -Be 1
        $password = $plan.Differences | Where-Object Path -eq 'values.auth.password'
        $password.Difference | Should -Match '^\*\*\*:[0-9a-f]{8}$'
        ($plan | ConvertTo-Json -Depth 5) | Should -Not -Match 'state-demo-v[12]'
        @(Get-HelmCall -Command upgrade).Count | Should -Be 1
        (Get-SbkubeState).Revision | Should -Be 1
    }

    It '-Namespace overrides the config namespace' {
        $r = Invoke-SbkubeApply -Path $s.Example -Namespace state-demo-canary
        $r.Namespace | Should -Be 'state-demo-canary'
        (Get-SbkubeState -Namespace state-demo-canary).Status | Should -Be 'deployed'
    }

    It 'an unknown chart version surfaces Helm''s error, uses no revision, puts the attempt in the audit log and keeps the previous revision deployed' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $config = Join-Path $s.Example 'config.yaml'
        (Get-Content $config -Raw).Replace('17.13.2', '99.0.0') | Set-Content $config -NoNewline
        $r = Invoke-SbkubeApply -Path $s.Example -ErrorVariable err -ErrorAction SilentlyContinue
        $r.Outcome | Should -Be 'Failed'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Helm.ChartNotFound*'
        $err[0].Exception.Message | Should -Match 'chart "redis" matching 99.0.0 not found'
        $rows = @(Get-SbkubeState)
        $rows.Count | Should -Be 1
        $rows[0].Status | Should -Be 'deployed'
        $attempt = @(Get-SbkubeAuditLog -Outcome Failed)
        $attempt.Count | Should -Be 1
        $attempt[0].Description | Should -Match 'FAILED: .*99\.0\.0'
    }

    It 'creates the state folder 0700 and the file 0600' -Skip:$IsWindows -Tag SqliteOnly {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        (& stat -c '%a' (Split-Path $s.StateDb)) | Should -Be '700'
        (& stat -c '%a' $s.StateDb) | Should -Be '600'
    }
}

Describe 'Bad configuration is refused before anything runs' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It '<Name>: error <ErrorId>, state DB unchanged, no helm upgrade' -ForEach @(
        @{ Name = 'malformed YAML'; ErrorId = 'Config.MalformedYaml'; Config = "namespace: state-demo`napps:`n  redis: [unclosed`n" }
        @{ Name = 'unknown key'; ErrorId = 'Config.UnknownKey'; Config = "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    verison: 17.13.2`n" }
        @{ Name = 'missing values file'; ErrorId = 'Config.MissingFile'; Config = "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    values: [nope.yaml]`n" }
        @{ Name = 'dependency cycle'; ErrorId = 'Config.DependencyCycle'; Config = "namespace: state-demo`napps:`n  a:`n    chart: bitnami/redis`n    depends_on: [b]`n  b:`n    chart: bitnami/redis`n    depends_on: [a]`n" }
    ) {
        $dir = Join-Path $s.Dir ('bad-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        New-Item -ItemType Directory $dir | Out-Null
        Copy-Item (Join-Path $s.Example 'sources.yaml') $dir
        Set-Content (Join-Path $dir 'config.yaml') $Config -NoNewline
        $before = Get-StateDbHash
        $upgrades = @(Get-HelmCall -Command upgrade).Count
        { Invoke-SbkubeApply -Path $dir -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId*"
        try { Invoke-SbkubeApply -Path $dir -ErrorAction Stop } catch { $_.Exception.Message | Should -Match ([regex]::Escape('config.yaml:')) }
        Get-StateDbHash | Should -Be $before
        @(Get-HelmCall -Command upgrade).Count | Should -Be $upgrades
    }
}

Describe 'Dependency isolation' {
    It 'lets a fresh session name the records, results and errors it emits, while YamlDotNet stays private' {
        $s = New-SbkubeSandbox
        try {
            $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-TestModulePath)'
`$r = Invoke-SbkubeApply -Path '$($s.Example)'
"result-is=`$(`$r -is [SBKube.Core.Engine.AppResult])"
"record-is=`$((Get-SbkubeState -Latest)[0] -is [SBKube.Core.State.DeploymentRecord])"
try { Get-SbkubeDeployment -Namespace nope -App nope -StatePath '$($s.Dir)/missing.db' }
catch [SBKube.Core.State.StateStoreException] { "caught=`$(`$_.FullyQualifiedErrorId)" }
`$yaml = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' }
"yaml-context=`$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$yaml).Name)"
"@
            $r = Invoke-FreshPwsh $script
            $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
            $r.Output | Should -Contain 'result-is=True'
            $r.Output | Should -Contain 'record-is=True'
            $r.Output | Should -Contain 'caught=StateStore.NotFound,SBKube.PowerShell.Cmdlets.GetSbkubeDeploymentCommand'
            ($r.Output | Where-Object { $_ -like 'yaml-context=*' }) | Should -Not -Be 'yaml-context=Default'
        }
        finally { Remove-SbkubeSandbox $s }
    }

    It 'works in a session that already loaded another YamlDotNet (11.2.1)' {
        $s = New-SbkubeSandbox
        try {
            $nuget = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
            $oldYaml = Join-Path $nuget 'yamldotnet/11.2.1/lib/netstandard2.1/YamlDotNet.dll'
            $oldYaml | Should -Exist
            $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$oldYaml'
Import-Module '$(Get-TestModulePath)'
`$r = Invoke-SbkubeApply -Path '$($s.Example)'
"outcome=`$(`$r.Outcome)"
`$yaml = [YamlDotNet.Serialization.Serializer]::new().Serialize(@{ a = 1 })
"old-yaml=`$([YamlDotNet.Serialization.Serializer].Assembly.GetName().Version)"
"serialized=`$(`$yaml.Trim())"
"@
            $r = Invoke-FreshPwsh $script
            $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
            $r.Output | Should -Contain 'outcome=Installed'
            $r.Output | Should -Contain 'old-yaml=11.0.0.0'
            $r.Output | Should -Contain 'serialized=a: 1'
        }
        finally { Remove-SbkubeSandbox $s }
    }
}

Describe 'The bundled demo' {
    It 'Demo.ps1 walks the four seed scenarios on a copy of the example and checks the history it leaves' {
        $s = New-SbkubeSandbox
        try {
            $demo = Join-Path $s.Example 'Demo.ps1'
            $r = Invoke-FreshPwsh "& '$demo' -ModulePath '$(Get-TestModulePath)' -ExamplePath '$($s.Example)'"
            $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
            $r.Output | Where-Object { $_ -like 'Demo finished:*' } | Should -Not -BeNullOrEmpty
            $history = @(Get-SbkubeHistory -Namespace state-demo -App redis)
            $history.Status | Should -Be @('superseded', 'superseded', 'superseded', 'deployed')
            $history[-1].Description | Should -Be 'Rollback to revision 2'
            @(Get-SbkubeAuditLog -Outcome Failed).Description | Should -Match 'FAILED: .*18\.0\.99'
        }
        finally { Remove-SbkubeSandbox $s }
    }
}

