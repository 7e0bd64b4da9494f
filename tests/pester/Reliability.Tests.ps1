# Issue 5: locks, concurrent runs, hostile input, secrets (crash recovery: TrustedState.Tests.ps1).
BeforeDiscovery {
    # Each case runs at test time, where the sandbox variables of its Describe exist.
    $hostileCases = @(
        @{ Name = 'malformed YAML'; Id = 'Config.MalformedYaml'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "apps: [`n  - {") } }
        @{ Name = 'billion laughs in config'; Id = 'Config.TooManyNodes'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: x`napps: {}`n$laughs") } }
        @{ Name = 'deep nesting'; Id = 'Config.TooDeep'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: x`nextra: $deep`n") } }
        @{ Name = 'huge config file'; Id = 'Config.TooLarge'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig ("# " + ('x' * 2MB))) } }
        @{ Name = 'billion laughs in a values file'; Id = 'Config.TooManyNodes'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    values: [bomb.yaml]`n" @{ 'bomb.yaml' = $laughs }) } }
        @{ Name = 'huge values file'; Id = 'Config.TooLarge'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    values: [big.yaml]`n" @{ 'big.yaml' = ('k: ' + ('x' * 9MB)) }) } }
        @{ Name = 'wrong type (enabled: maybe)'; Id = 'Config.WrongType'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    enabled: maybe`n") } }
        @{ Name = 'list where a map is expected'; Id = 'Config.WrongType'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps: [redis]`n") } }
        @{ Name = 'app name with ;'; Id = 'Config.InvalidName'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  'redis;rm':`n    chart: bitnami/redis`n") } }
        @{ Name = 'app name with $( )'; Id = 'Config.InvalidName'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  'x`$(whoami)':`n    chart: bitnami/redis`n") } }
        @{ Name = 'app name with quotes'; Id = 'Config.InvalidName'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  'a`"b':`n    chart: bitnami/redis`n") } }
        @{ Name = 'app name with spaces'; Id = 'Config.InvalidName'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  'my app':`n    chart: bitnami/redis`n") } }
        @{ Name = 'namespace with upper case'; Id = 'Config.InvalidName'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: State_Demo`napps:`n  redis:`n    chart: bitnami/redis`n") } }
        @{ Name = 'release name over 53 characters'; Id = 'Config.ReleaseNameTooLong'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    release_name: $('r' * 54)`n") } }
        @{ Name = 'values path traversal'; Id = 'Config.PathOutsideProject'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    values: [../../etc/passwd]`n") } }
        @{ Name = 'absolute values path'; Id = 'Config.PathOutsideProject'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    values: [/etc/passwd]`n") } }
        @{ Name = 'bare-number timeout'; Id = 'Config.InvalidDuration'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    timeout: 600`n") } }
        @{ Name = 'unknown repo'; Id = 'Config.UnknownRepo'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: nope/redis`n") } }
        @{ Name = 'duplicate release'; Id = 'Config.DuplicateRelease'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  a:`n    chart: bitnami/redis`n    release_name: r`n  b:`n    chart: bitnami/redis`n    release_name: r`n") } }
        @{ Name = 'dependency on a disabled app'; Id = 'Config.DisabledDependency'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  a:`n    chart: bitnami/redis`n    enabled: false`n  b:`n    chart: bitnami/redis`n    depends_on: [a]`n") } }
        @{ Name = 'missing config'; Id = 'Config.MissingFile'; Run = { Invoke-SbkubeApply -Path (Join-Path $s.Dir 'does-not-exist') } }
        @{ Name = 'SQL in -App of apply'; Id = 'UnknownApp'; Run = { Invoke-SbkubeApply -Path $s.Example -App "redis'; DROP TABLE deployments;--" } }
        @{ Name = 'SQL in -App of history'; Id = 'AppNotFound'; Run = { Get-SbkubeHistory -Namespace state-demo -App "redis'; DROP TABLE deployments;--" } }
        @{ Name = 'shell in -Namespace'; Id = 'ParameterArgumentValidationError'; Run = { Get-SbkubeDeployment -Namespace 'x"; rm -rf / #' -App '$(reboot)' } }
        @{ Name = 'shell in Lock-SbkubeNamespace -Namespace'; Id = 'ParameterArgumentValidationError'; Run = { Lock-SbkubeNamespace -Namespace '--x; rm' } }
        @{ Name = '-KubeContext that reads as a helm flag'; Id = 'ParameterArgumentValidationError'; Run = { Invoke-SbkubeApply -Path $s.Example -KubeContext '--post-renderer=/bin/sh' } }
        @{ Name = '-KubeContext with a space on a read'; Id = 'ParameterArgumentValidationError'; Run = { Get-SbkubeHistory -Namespace state-demo -App redis -KubeContext 'prod; id' } }
        @{ Name = 'Lock-SbkubeNamespace -Duration 0s'; Id = 'InvalidDuration'; Run = { Lock-SbkubeNamespace -Namespace state-demo -Duration 0s } }
        @{ Name = 'chart version that reads as a flag'; Id = 'Config.InvalidValue'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    version: '--devel'`n") } }
        @{ Name = 'kube_context that reads as a flag'; Id = 'Config.InvalidValue'; Run = { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n" @{ 'sources.yaml' = "kube_context: '--post-renderer=/bin/sh'`nhelm_repos:`n  bitnami: https://charts.bitnami.com/bitnami`n" }) } }
        @{ Name = 'revision 0'; Id = 'InvalidRevision'; Run = { Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 0 } }
        @{ Name = 'negative revision'; Id = 'InvalidRevision'; Run = { Get-SbkubeDeployment -Namespace state-demo -App redis -Revision -3 } }
        @{ Name = 'huge revision'; Id = 'InvalidRevision'; Run = { Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 99999999999999 } }
        @{ Name = 'unknown revision'; Id = 'RevisionNotFound'; Run = { Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 7 } }
        @{ Name = '-Since garbage'; Id = 'CannotConvertArgumentNoMessage'; Run = { Get-SbkubeHistory -Namespace state-demo -App redis -Since 'yesterday-ish' } }
        @{ Name = '-LockTimeout garbage'; Id = 'InvalidDuration'; Run = { Invoke-SbkubeApply -Path $s.Example -Lock -LockTimeout 'a while' } }
        @{ Name = '-Duration garbage'; Id = 'InvalidDuration'; Run = { Lock-SbkubeNamespace -Namespace state-demo -Duration 'soon' } }
        @{ Name = '-Duration past the year 9999'; Id = 'DurationOutOfRange'; Run = { Lock-SbkubeNamespace -Namespace state-demo -Duration 3000000d } }
        @{ Name = '-ThrottleLimit 0'; Id = 'ParameterArgumentValidationError'; Run = { Invoke-SbkubeApply -Path $s.Example -ThrottleLimit 0 } }
        @{ Name = 'state DB that is not SQLite'; Id = 'StateStore.NotADatabase'; FileVar = 'notSqlite'; Run = { Get-SbkubeState -StatePath $notSqlite } }
        @{ Name = 'state DB from a newer schema'; Id = 'StateStore.NewerSchema'; FileVar = 'newer'; Run = { Get-SbkubeState -StatePath $newer } }
        @{ Name = 'state DB folder that cannot be created'; Id = 'StateStore.ReadOnly'; Run = { Invoke-SbkubeApply -Path $s.Example -StatePath (Join-Path $fileAsDir 'state.db') } }
        @{ Name = 'a read of a mistyped -StatePath'; Id = 'StateStore.NotFound'; Run = { Get-SbkubeState -StatePath (Join-Path $s.Dir 'typo/state.db') } }
        @{ Name = 'a history read of a missing store'; Id = 'StateStore.NotFound'; Run = { Get-SbkubeHistory -StatePath (Join-Path $s.Dir 'none.db') -Namespace state-demo -App redis } }
    )
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    function New-ManyAppConfig([string] $Dir, [int] $Count) {
        New-Item -ItemType Directory -Force $Dir | Out-Null
        "helm_repos:`n  bitnami: $(Get-TestBitnamiUrl)`n" | Set-Content (Join-Path $Dir 'sources.yaml')
        $apps = 1..$Count | ForEach-Object { "  app$($_):`n    chart: bitnami/nginx`n    version: 15.0.0`n" }
        "namespace: shared`napps:`n$($apps -join '')" | Set-Content (Join-Path $Dir 'config.yaml')
    }
}

Describe 'Namespace locks' {
    BeforeEach {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'a frozen namespace refuses an apply at once, naming holder, operation, since and lock ID' {
        $lock = Lock-SbkubeNamespace -Namespace state-demo -Reason 'maintenance window'
        $lock.LockId | Should -Not -BeNullOrEmpty
        $listed = @(Get-SbkubeLock)
        $listed.Count | Should -Be 1
        $listed[0].Operation | Should -Be 'freeze'
        $header = ((Get-SbkubeLock | Format-Table | Out-String -Width 250) -split "`n" | Where-Object { $_ -match 'LOCK ID' }) -replace '\s+', ' '
        $header.Trim() | Should -Be 'LOCK ID NAMESPACE APP OWNER OPERATION EXPIRES STALE'
        Set-Content (Join-Path $s.Example 'values/redis.yaml') "architecture: standalone`n"
        $before = Get-StateDbHash
        $err = $null
        try { Invoke-SbkubeApply -Path $s.Example -Lock -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'LockHeld*'
        $err.Exception.Message | Should -Match ([regex]::Escape($lock.LockId))
        $err.Exception.Message | Should -Match ([regex]::Escape($lock.Owner))
        $err.Exception.Message | Should -Match "'freeze' \(maintenance window\) since \d{4}-\d\d-\d\d"
        Get-StateDbHash | Should -Be $before
        # Without -Lock the per-app lock still respects the freeze.
        $r = Invoke-SbkubeApply -Path $s.Example -ErrorVariable e2 -ErrorAction SilentlyContinue
        $r.Outcome | Should -Be 'Failed'
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'LockHeld*'
        Unlock-SbkubeNamespace -Namespace state-demo | Should -BeNullOrEmpty   # nothing unless -PassThru
        @(Get-SbkubeLock).Count | Should -Be 0
        (Invoke-SbkubeApply -Path $s.Example -Lock).Outcome | Should -Be 'Upgraded'
        @(Get-SbkubeLock).Count | Should -Be 0
    }

    It '-LockTimeout waits for a freeze to expire, then takes it over and records the takeover' {
        Lock-SbkubeNamespace -Namespace state-demo -Duration 2s | Out-Null
        $r = Invoke-SbkubeApply -Path $s.Example -Force -Lock -LockTimeout 30s
        $r.Outcome | Should -Be 'Upgraded'
        Invoke-Sqlite3 "SELECT COUNT(*) FROM deployment_history WHERE action = 'lock-takeover';" | Should -Be 1
    }

    It 'another owner''s lock: -Namespace refuses, -LockId needs -Force, and the break is recorded' {
        Invoke-Sqlite3 "INSERT INTO locks (lock_id, context, namespace, app, owner, pid, host, operation, acquired_at) VALUES ('abc123', '', 'state-demo', '*', 'alice@ci-7', NULL, 'ci-7', 'freeze', '2025-10-24 10:00:00');" | Out-Null
        { Unlock-SbkubeNamespace -Namespace state-demo -ErrorAction Stop } | Should -Throw -ErrorId 'LockNotOwned*'
        { Unlock-SbkubeNamespace -LockId abc123 -ErrorAction Stop } | Should -Throw -ErrorId 'LockNotOwned*'
        { Unlock-SbkubeNamespace -LockId nope -Force -ErrorAction Stop } | Should -Throw -ErrorId 'LockNotFound*'
        (Unlock-SbkubeNamespace -LockId abc123 -Force -PassThru).Owner | Should -Be 'alice@ci-7'
        @(Get-SbkubeLock).Count | Should -Be 0
        Invoke-Sqlite3 "SELECT description FROM deployment_history WHERE action = 'lock-takeover';" | Should -Match 'force-unlocked lock abc123'
    }

    It 'a lock whose process is dead on this host is taken over' {
        $hostName = [Environment]::MachineName
        Invoke-Sqlite3 "INSERT INTO locks (lock_id, context, namespace, app, owner, pid, host, operation, acquired_at, expires_at) VALUES ('dead01', '', 'state-demo', '*', 'bob@$hostName', 999999, '$hostName', 'apply', '2025-10-24 10:00:00', '2099-01-01 00:00:00');" | Out-Null
        (Invoke-SbkubeApply -Path $s.Example -Force -Lock).Outcome | Should -Be 'Upgraded'
        Invoke-Sqlite3 "SELECT description FROM deployment_history WHERE action = 'lock-takeover';" | Should -Match 'process 999999 is gone'
    }
}

Describe 'Concurrent runs' {
    BeforeEach { $s = New-SbkubeSandbox -Example '' }
    AfterEach { Remove-SbkubeSandbox $s }

    It '8 processes applying different apps of one namespace record every revision once, consecutively' {
        $dir = Join-Path $s.Dir 'many'
        New-ManyAppConfig $dir 8
        $procs = 1..8 | ForEach-Object {
            Start-BackgroundPwsh "`$ErrorActionPreference='Stop'; Import-Module '$(Get-TestModulePath)'; 1..3 | ForEach-Object { Invoke-SbkubeApply -Path '$dir' -App app$_ -Force | Out-Null }"
        }
        $outputs = foreach ($p in $procs) {
            $p.WaitForExit(300000) | Should -BeTrue
            [pscustomobject]@{ Code = $p.ExitCode; Text = $p.StandardOutput.ReadToEnd() + $p.StandardError.ReadToEnd() }
        }
        foreach ($o in $outputs) {
            $o.Code | Should -Be 0 -Because $o.Text
            $o.Text | Should -Not -Match 'database is locked'
        }
        foreach ($i in 1..8) {
            (Invoke-Sqlite3 "SELECT group_concat(revision) FROM (SELECT revision FROM deployments WHERE app = 'app$i' ORDER BY revision);") | Should -Be '1,2,3'
        }
        Invoke-Sqlite3 "SELECT COUNT(*) FROM deployments WHERE status = 'deployed';" | Should -Be 8
    }

    It '2 processes applying one namespace with -Lock: exactly one deploys, the other reports the lock' {
        $dir = Join-Path $s.Dir 'two'
        New-ManyAppConfig $dir 2
        # Slow writes: the first deploy still holds the lock when the second run asks.
        Set-ClusterFault $s @{ slow_writes_ms = 300 }
        $procs = 1..2 | ForEach-Object {
            Start-BackgroundPwsh "Import-Module '$(Get-TestModulePath)'; try { Invoke-SbkubeApply -Path '$dir' -Lock -ErrorAction Stop | Out-Null; 'DEPLOYED' } catch { 'ERR:' + `$_.FullyQualifiedErrorId }"
        }
        $texts = foreach ($p in $procs) { $p.WaitForExit(120000) | Out-Null; $p.StandardOutput.ReadToEnd() }
        @($texts | Where-Object { $_ -match 'DEPLOYED' }).Count | Should -Be 1 -Because ($texts -join ' | ')
        @($texts | Where-Object { $_ -match 'ERR:LockHeld' }).Count | Should -Be 1
        Invoke-Sqlite3 'SELECT COUNT(*) FROM deployments;' | Should -Be 2
    }
}

Describe 'Hostile and bad input' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $bad = Join-Path $s.Dir 'bad'
        function Write-BadConfig([string] $Text, [hashtable] $Files = @{}) {
            Remove-Item $bad -Recurse -Force -ErrorAction Ignore
            New-Item -ItemType Directory $bad | Out-Null
            Copy-Item (Join-Path $s.Example 'sources.yaml') $bad
            Set-Content (Join-Path $bad 'config.yaml') $Text
            foreach ($f in $Files.Keys) {
                $path = Join-Path $bad $f
                New-Item -ItemType Directory -Force (Split-Path $path) | Out-Null
                [IO.File]::WriteAllText($path, $Files[$f])
            }
            $bad
        }
        $laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]`nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]`nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]`nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]`ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]`nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]`ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]`n"
        $deep = ('[' * 200) + (']' * 200)
        $notSqlite = Join-Path $s.Dir 'not-a-db.db'
        Set-Content $notSqlite 'this is not a database'
        $newer = Join-Path $s.Dir 'newer.db'
        & sqlite3 $newer 'CREATE TABLE deployments (id INTEGER); PRAGMA user_version = 99;'
        $fileAsDir = Join-Path $s.Dir 'plain-file'
        Set-Content $fileAsDir 'x'
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'has at least 30 cases' -ForEach @(@{ Count = $hostileCases.Count }) { $Count | Should -BeGreaterOrEqual 30 }

    It '<Name> → <Id>, DB unchanged' -ForEach $hostileCases {
        $File = if ($FileVar) { Get-Variable $FileVar -ValueOnly }
        $before = Get-StateDbHash
        $fileBefore = if ($File) { Get-StateDbHash $File }
        $err = $null
        try { $ErrorActionPreference = 'Stop'; & $Run | Out-Null } catch { $err = $_ } finally { $ErrorActionPreference = 'Continue' }
        $err | Should -Not -BeNullOrEmpty -Because "$Name must fail"
        $err.FullyQualifiedErrorId | Should -BeLike "$Id*"
        $err.Exception.Message | Should -Not -BeNullOrEmpty
        Get-StateDbHash | Should -Be $before
        if ($File) { Get-StateDbHash $File | Should -Be $fileBefore }
        Invoke-Sqlite3 'SELECT COUNT(*) FROM deployments;' | Should -Be 1
    }

    It 'errors name the file, line and column' {
        try { Invoke-SbkubeApply -Path (Write-BadConfig "namespace: state-demo`napps:`n  redis:`n    chart: bitnami/redis`n    enabled: maybe`n") -ErrorAction Stop } catch { $m = $_.Exception.Message }
        $m | Should -Match 'config\.yaml:5:\d+'
        $m | Should -Match 'maybe'
    }
}

Describe 'Secrets never leak' {
    It 'a full scenario with -Verbose, -Debug, -WhatIf and failures prints no secret value' {
        $s = New-SbkubeSandbox
        try {
            "helm_repos:`n  bitnami:`n    url: $(Get-TestBitnamiUrl)`n    username: ci`n    password: repo-pass-7781`n" | Set-Content (Join-Path $s.Example 'sources.yaml')
            $values = Join-Path $s.Example 'values/redis.yaml'
            (Get-Content $values -Raw).Replace('state-demo-v1', 'pw-first-4412') | Set-Content $values
            $DebugPreference = 'Continue'
            $all = & {
                Invoke-SbkubeApply -Path $s.Example -Verbose
                (Get-Content $values -Raw).Replace('pw-first-4412', 'pw-second-5523') | Set-Content $values
                Invoke-SbkubeApply -Path $s.Example -WhatIf -Verbose
                # The chart refuses a password with a space, repeating it in its error.
                (Get-Content $values -Raw).Replace('pw-second-5523', 'pw-second 5523') | Set-Content $values
                Invoke-SbkubeApply -Path $s.Example -Verbose -ErrorAction Continue
                (Get-Content $values -Raw).Replace('pw-second 5523', 'pw-second-5523') | Set-Content $values
                Invoke-SbkubeApply -Path $s.Example -Verbose
                Get-SbkubeHistory -Namespace state-demo -App redis | Format-Table | Out-String
                Get-SbkubeDeployment -Namespace state-demo -App redis -Format Yaml
                Get-SbkubeDeployment -Namespace state-demo -App redis | Format-List | Out-String
                Compare-SbkubeRevision -Namespace state-demo -App redis -ReferenceRevision 1 -DifferenceRevision 2 | Format-Table | Out-String
                Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 -Verbose -WhatIf
                Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 -Verbose
                Get-SbkubeState -Format Json
                Get-SbkubeState | Select-Object * | Format-List | Out-String -Width 400
                Get-SbkubeHistory -Namespace state-demo -App redis | Select-Object * | ConvertTo-Json -Depth 5
            } *>&1 | Out-String -Width 400
            $DebugPreference = 'SilentlyContinue'
            $all | Should -Match 'redis'
            foreach ($secret in 'repo-pass-7781', 'pw-first-4412', 'pw-second-5523', 'pw-second 5523') {
                $all | Should -Not -Match $secret
            }
            # Descriptions in the DB are redacted too; temp values files are gone.
            (Invoke-Sqlite3 'SELECT description FROM deployments;') -join "`n" | Should -Not -Match 'pw-second.5523'
            (Invoke-Sqlite3 'SELECT description FROM deployment_history;') -join "`n" | Should -Not -Match 'pw-second.5523'
            # The refused password did fail the deploy, with the chart's words: an attempt on the record, no revision.
            (Invoke-Sqlite3 'SELECT description FROM deployment_history WHERE deployment_id IS NULL;') -join "`n" | Should -Match 'must not contain spaces'
            @(Get-ChildItem (Join-Path ([IO.Path]::GetTempPath()) "sbkube-$PID") -File -ErrorAction Ignore).Count | Should -Be 0
        }
        finally { $DebugPreference = 'SilentlyContinue'; Remove-SbkubeSandbox $s }
    }
}
