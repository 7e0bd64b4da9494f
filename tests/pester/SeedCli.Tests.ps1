# The seed's other command lines through the `sbkube` function: locks, prune, metrics, command-line errors.
# Also runs on: postgres
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:RepoRoot = if ($env:SBKUBE_TEST_ROOT) { $env:SBKUBE_TEST_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
    $script:Scripts = Join-Path $script:RepoRoot 'examples/scripts'
}

Describe 'sbkube: deploy --lock and state locks' {
    BeforeAll {
        $s = New-SbkubeSandbox
        sbkube apply --path $s.Example | Out-Null
    }
    AfterAll { Remove-SbkubeSandbox $s }
    AfterEach { Get-SbkubeLock | ForEach-Object { Unlock-SbkubeNamespace -LockId $_.LockId -Force -Confirm:$false } }

    It 'state locks shows a freeze in the seed columns, and deploy --lock is refused while it holds' {
        $lock = Lock-SbkubeNamespace -Namespace state-demo -Reason 'release freeze' -Duration 1h
        $locks = @(sbkube state locks)
        $locks.Count | Should -Be 2
        $locks[0] | Should -Match '^LOCK ID\s{2,}NAMESPACE\s{2,}APP\s{2,}OWNER\s{2,}OPERATION\s{2,}ACQUIRED\s{2,}EXPIRES$'
        $cells = $locks[1] -split '\s{2,}'
        $cells[0..4] | Should -Be @($lock.LockId, 'state-demo', '*', $lock.Owner, 'freeze (release freeze)')
        $cells[5] | Should -Be (Get-LocalTime $lock.AcquiredAt)
        $cells[6] | Should -Be (Get-LocalTime $lock.ExpiresAt)
        # Column starts line up with the header.
        $locks[1].IndexOf('state-demo') | Should -Be $locks[0].IndexOf('NAMESPACE')

        $before = Get-StateDbHash
        $e = { Push-Location $s.Example; try { sbkube deploy --namespace state-demo --lock --force } finally { Pop-Location } } | Should -Throw "*$($lock.LockId)*" -PassThru
        $LASTEXITCODE | Should -Be 1
        # In the CLI's own words: its flags; a cmdlet it has no command for stays a cmdlet call.
        "$e" | Should -Match 'Wait with --lock-timeout'
        "$e" | Should -Match "Unlock-SbkubeNamespace -LockId $($lock.LockId) -Force"
        $e.FullyQualifiedErrorId | Should -BeLike 'LockHeld*'
        @(Get-SbkubeState -Namespace state-demo).Count | Should -Be 1
        @(sbkube state locks --namespace other).Count | Should -Be 1
    }

    It 'deploy --namespace X --lock holds the namespace lock while it runs (seen by state locks) and releases it' {
        # Slow writes keep the deploy (and its lock) going for a few seconds.
        Set-ClusterFault $s @{ slow_writes_ms = 600 }
        $mod = $script:ModulePath; $dir = $s.Example
        $job = Start-ThreadJob {
            Import-Module $using:mod
            Set-Location $using:dir
            sbkube deploy --namespace state-demo --lock --force
            "rc=$LASTEXITCODE"
        }
        try {
            $seen = $null
            $deadline = (Get-Date).AddSeconds(30)
            while (-not $seen -and (Get-Date) -lt $deadline -and $job.State -in 'NotStarted', 'Running') {
                $seen = sbkube state locks | Where-Object { $_ -match '^\S+\s+state-demo\s+\*\s+\S+\s+apply\s' }
                if (-not $seen) { Start-Sleep -Milliseconds 200 }
            }
            $seen | Should -Not -BeNullOrEmpty
            $out = $job | Wait-Job -Timeout 60 | Receive-Job
            ($out -join "`n") | Should -Match 'rc=0$'
            $out[1] | Should -Match '^state-demo\s+redis\s+Upgraded\s+2\s'
        } finally {
            $job | Remove-Job -Force
            Set-ClusterFault $s $null
        }
        @(sbkube state locks) | Should -HaveCount 1
        # --force redeployed (and fetched the chart index again); it is never Helm's resource-replacing --force.
        @(Get-HelmCall -Command upgrade).Count | Should -Be 2
        @(Get-HelmCall -Command upgrade | Where-Object { $_.argv -contains '--force' }).Count | Should -Be 0
        @(Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'update' }).Count | Should -Be 1
    }
}

Describe 'sbkube: state prune --older-than 30d' {
    BeforeEach {
        $s = New-SbkubeSandbox
        Push-Location $s.Example
        sbkube apply | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        sbkube apply | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v2' 'state-demo-v3'
        sbkube apply | Out-Null
        Pop-Location
        # Revisions 1 and 2 are two months old; 3 is deployed now.
        Invoke-StateSql "UPDATE deployments SET deployed_at = '2025-01-01 00:00:00' WHERE revision IN (1, 2);" | Out-Null
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'prunes revisions older than 30 days and reports them' {
        $out = @(sbkube state prune --older-than 30d)
        $LASTEXITCODE | Should -Be 0
        $out[0] | Should -Match '^NAMESPACE\s+APP\s+REVISIONS\s+RANGE\s+OLDEST\s+NEWEST$'
        $out[1] | Should -Match '^state-demo\s+redis\s+2\s+1-2\s'
        $out.Count | Should -Be 3
        $out[-1] | Should -Be 'Pruned 2 revision(s).'
        (Get-SbkubeState -Namespace state-demo -App redis).Revision | Should -Be @(3)
        Invoke-StateSql 'SELECT COUNT(*) FROM deployment_history WHERE deployment_id NOT IN (SELECT id FROM deployments);' | Should -Be 0
    }

    It '--dry-run lists what would go and removes nothing' {
        $before = Get-StateDbHash
        $out = @(sbkube state prune --older-than 30d --dry-run)
        $out.Count | Should -Be 3
        $out[1] | Should -Match '^state-demo\s+redis\s+2\s+1-2\s'  # one line per app, not per revision
        $out[-1] | Should -Be 'Dry run: would prune 2 revision(s); nothing was changed.'
        Get-StateDbHash | Should -Be $before
    }

    It '--keep-last keeps the newest N; the deployed revision is never pruned' {
        Invoke-StateSql "UPDATE deployments SET deployed_at = '2025-01-01 00:00:00';" | Out-Null
        (sbkube state prune --older-than 30d --keep-last 2)[-1] | Should -Be 'Pruned 1 revision(s).'
        (Get-SbkubeState -Namespace state-demo -App redis).Revision | Should -Be @(2, 3)
        sbkube state prune --older-than 30d | Select-Object -Last 1 | Should -Be 'Pruned 1 revision(s).'
        (Get-SbkubeState -Namespace state-demo -App redis).Revision | Should -Be @(3)
    }
}

Describe 'sbkube: state prune with nothing to prune' {
    BeforeAll { $s = New-SbkubeSandbox; sbkube apply --path $s.Example | Out-Null }
    AfterAll { Remove-SbkubeSandbox $s }

    It '--dry-run says it would prune nothing (the module runs in strict mode)' {
        sbkube state prune --keep-last 50 --dry-run | Should -Be 'Dry run: would prune 0 revision(s); nothing was changed.'
    }
}

Describe 'sbkube: state export-metrics --port' {
    BeforeAll {
        $s = New-SbkubeSandbox
        sbkube apply --path $s.Example | Out-Null
        sbkube rollback --namespace state-demo --app redis --revision 1 --force | Out-Null
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'serves the seed metrics over loopback until stopped (Ctrl+C)' {
        $port = Get-FreePort
        $mod = $script:ModulePath
        $job = Start-ThreadJob { Import-Module $using:mod; sbkube state export-metrics --port $using:port --address 127.0.0.1 }
        try {
            $body = $null
            $deadline = (Get-Date).AddSeconds(30)
            while (-not $body -and (Get-Date) -lt $deadline) {
                try { $body = (Invoke-WebRequest "http://127.0.0.1:$port/metrics" -UseBasicParsing -TimeoutSec 5).Content } catch { Start-Sleep -Milliseconds 200 }
            }
            $body | Should -Not -BeNullOrEmpty -Because (($job | Receive-Job -Keep 2>&1) -join "`n")
            $lines = $body -split "`n"
            $lines | Should -Contain 'sbkube_deployments_total{namespace="state-demo",app="redis"} 2'
            $lines | Should -Contain 'sbkube_deployment_status{namespace="state-demo",app="redis",status="deployed"} 1'
            $last = (Get-SbkubeState -Namespace state-demo -App redis | Select-Object -Last 1).DeployedAtUtc
            $unix = [long][Math]::Floor(($last - [datetime]::new(1970, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)).TotalSeconds)
            $lines | Should -Contain "sbkube_last_deployment_time{namespace=`"state-demo`",app=`"redis`"} $unix"
            ($lines | Where-Object { $_ -match '^# TYPE sbkube_deployments_total (gauge|counter)$' }) | Should -Not -BeNullOrEmpty
            ($lines | Where-Object { $_ -like '# HELP sbkube_deployments_total *' }) | Should -Not -BeNullOrEmpty
            $job.State | Should -Be 'Running'
        } finally {
            $job | Stop-Job
        }
        $job.State | Should -Be 'Stopped'
        $job | Remove-Job -Force
        { Invoke-WebRequest "http://127.0.0.1:$port/metrics" -UseBasicParsing -TimeoutSec 5 } | Should -Throw
    }

    It '--port outside 0-65535 is an InvalidValue error' {
        { sbkube state export-metrics --port 70000 } | Should -Throw -ErrorId 'SbkubeCli.InvalidValue*'
        { sbkube state export-metrics --port nine } | Should -Throw -ErrorId 'SbkubeCli.InvalidValue*'
    }
}

Describe 'sbkube: command-line errors, help and --state-db' {
    BeforeAll {
        $s = New-SbkubeSandbox
        sbkube apply --path $s.Example | Out-Null
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'an unknown flag is a terminating SbkubeCli.UnknownFlag error that lists the valid flags' {
        $err = $null
        try { sbkube state list --bogus } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'SbkubeCli.UnknownFlag*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be '--bogus'
        "$err" | Should -BeLike "*'--bogus'*"
        "$err" | Should -BeLike '*Valid flags: --app, --context, --format, --help, --latest, --namespace, --state-db.' -Because 'the valid flags are listed'
        $LASTEXITCODE | Should -Be 1
        { sbkube rollback --namespace state-demo --app redis --revison 1 } | Should -Throw -ErrorId 'SbkubeCli.UnknownFlag*'
        { sbkube state history --namespace state-demo --app redis -x } | Should -Throw -ErrorId 'SbkubeCli.UnknownFlag*'
        { sbkube state locks --app redis } | Should -Throw -ErrorId 'SbkubeCli.UnknownFlag*'
    }

    It 'other command-line mistakes have their own ErrorIds' -ForEach @(
        @{ Line = @('state', 'lst'); Id = 'UnknownCommand' }
        @{ Line = @('deploi'); Id = 'UnknownCommand' }
        @{ Line = @('state'); Id = 'UnknownCommand' }
        @{ Line = @('rollback', '--namespace', 'state-demo', '--app', 'redis'); Id = 'MissingFlag' }
        @{ Line = @('state', 'history', '--namespace', 'state-demo'); Id = 'MissingFlag' }
        @{ Line = @('delete'); Id = 'MissingFlag' }
        @{ Line = @('state', 'prune'); Id = 'MissingFlag' }
        @{ Line = @('state', 'list', '--namespace'); Id = 'MissingValue' }
        @{ Line = @('state', 'list', '--namespace', '--app', 'redis'); Id = 'MissingValue' }
        @{ Line = @('state', 'list', '--namespace='); Id = 'MissingValue' }
        @{ Line = @('state', 'list', '--format', 'xml'); Id = 'InvalidValue' }
        @{ Line = @('state', 'history', '--namespace', 'state-demo', '--app', 'redis', '--limit', 'abc'); Id = 'InvalidValue' }
        @{ Line = @('state', 'history', '--namespace', 'state-demo', '--app', 'redis', '--limit', '0'); Id = 'InvalidValue' }
        @{ Line = @('state', 'history', '--namespace', 'state-demo', '--app', 'redis', '--since', 'yesterday-ish'); Id = 'InvalidValue' }
        @{ Line = @('apply', '--force=yes'); Id = 'UnexpectedValue' }
        @{ Line = @('state', 'list', 'state-demo'); Id = 'UnexpectedArgument' }
    ) {
        $before = Get-StateDbHash
        { sbkube @Line } | Should -Throw -ErrorId "SbkubeCli.$Id*"
        $LASTEXITCODE | Should -Be 1
        Get-StateDbHash | Should -Be $before
    }

    It 'the unknown command error lists the valid commands' {
        try { sbkube state lst } catch { $e = $_ }
        "$e" | Should -BeLike "*'state list'*'state history'*'state export-metrics'*"
    }

    It 'like a native command in a script: the error is shown, the script goes on, $? is false and $LASTEXITCODE 1' {
        $r = Invoke-FreshPwsh -Command "Import-Module '$script:ModulePath'; sbkube state list --bogus; `"ok=`$? rc=`$LASTEXITCODE`"; sbkube state list | Out-Null; `"ok=`$? rc=`$LASTEXITCODE`"; sbkube state history --namespace state-demo --app nope; `"ok=`$? rc=`$LASTEXITCODE`""
        $r.Output | Should -Contain 'ok=False rc=1'
        $r.Output | Should -Contain 'ok=True rc=0'
        ($r.Output | Where-Object { $_ -like 'ok=*' }) | Should -Be @('ok=False rc=1', 'ok=True rc=0', 'ok=False rc=1')
        ($r.Output -join "`n") | Should -Match 'Unknown flag .--bogus.'
    }

    It 'messages name the CLI''s commands and flags, not the cmdlets'' parameters' {
        sbkube state list --namespace none | Out-Null   # the CLI's helpers load on first use
        $cli = (Get-Module SBKube).NestedModules | Where-Object Name -EQ 'SBKube.Commands'
        $say = { param($text) & $cli { param($t) ConvertTo-SbkubeCliWording $t } $text }
        & $say 'Roll back to it only with -AllowFailed.' | Should -Be 'Roll back to it only with --allow-failed.'
        & $say "Unstick it with: Invoke-SbkubeRollback -Namespace web -App api -Revision 3" |
            Should -Be 'Unstick it with: sbkube rollback --namespace web --app api --revision 3'
        & $say "use -Revision 'previous' or -KubeContext" | Should -Be "use --revision 'previous' or --context"
        & $say 'See Get-SbkubeState for what is.' | Should -Be 'See sbkube state list for what is.'
        & $say 'Then Repair-SbkubeState -Namespace a -App b records it.' | Should -Be 'Then Repair-SbkubeState -Namespace a -App b records it.'
        & $say 'state-demo/redis: -Duration 3d, -LockId x' | Should -Be 'state-demo/redis: -Duration 3d, -LockId x'
    }

    It 'each command''s table entry names its cmdlet''s real parameters: a flag added there reaches the cmdlet' {
        sbkube state list --namespace none | Out-Null   # the CLI's helpers load on first use
        $cli = (Get-Module SBKube).NestedModules | Where-Object Name -EQ 'SBKube.Commands'
        $commands = & $cli { $script:Commands }
        $missing = foreach ($name in $commands.Keys) {
            $spec = $commands[$name]
            $cmdlets = @($spec.Cmdlet) + @(if ($spec.Contains('CmdletWhen')) { $spec.CmdletWhen.Values })
            foreach ($cmdlet in $cmdlets) {
                $parameters = (Get-Command $cmdlet).Parameters
                foreach ($flag in $spec.Flags.Keys) {
                    $parameter = ($spec.Flags[$flag] -split ':')[0]
                    # The flag choosing the other cmdlet, and one that cannot go with it, never reach the first or the other.
                    $chooser = $spec.Contains('CmdletWhen') -and $spec.CmdletWhen.Contains($flag) -and $cmdlet -eq $spec.Cmdlet
                    $excluded = $chooser -or ($spec.Contains('Excludes') -and $spec.Excludes[$flag] -and $cmdlet -ne $spec.Cmdlet)
                    if (-not $excluded -and -not $parameters.ContainsKey($parameter)) { "sbkube $name --$flag -> $cmdlet -$parameter" }
                }
                foreach ($parameter in @(if ($spec.Contains('Defaults')) { $spec.Defaults.Keys }) + @(if ($spec.Contains('Live')) { $spec.Live.Keys })) {
                    if (-not $parameters.ContainsKey($parameter)) { "sbkube $name (default) -> $cmdlet -$parameter" }
                }
            }
        }
        @($missing) | Should -BeNullOrEmpty
        $commands.Count | Should -BeGreaterThan 9
    }

    It 'a list flag takes comma-separated names and an invalid value names the flag and what it expects' {
        try { sbkube apply --path $s.Example --app ' redis , nope' --dry-run } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'UnknownApp*'
        "$e" | Should -BeLike "*no app named 'nope'*"
        (sbkube apply --path $s.Example --app ' redis ,' --dry-run)[0] | Should -BeLike 'state-demo/redis: *' -Because 'the names are trimmed and empty ones dropped' 
        try { sbkube state export-metrics --port 70000 } catch { $e = $_ }
        "$e" | Should -Be "--port expects a whole number from 0 to 65535; got '70000'."
        try { sbkube state history --action upgrade --limit 2 } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'SbkubeCli.InvalidValue*'
        "$e" | Should -BeLike '--limit does not go with --action.*'
    }

    It 'cmdlet errors pass through with their ErrorId' {
        { sbkube state history --namespace state-demo --app nope } | Should -Throw -ErrorId 'AppNotFound*'
        { sbkube state show --namespace state-demo --app redis --revision 0 } | Should -Throw -ErrorId 'InvalidRevision*'
        { sbkube rollback --namespace state-demo --app redis --revision 42 } | Should -Throw -ErrorId 'RevisionNotFound*'
        $LASTEXITCODE | Should -Be 1
    }

    It '--version prints the module''s version and succeeds' {
        $v = @(sbkube --version)
        $LASTEXITCODE | Should -Be 0
        $v.Count | Should -Be 1
        $v[0] | Should -BeLike "sbkube $((Get-Module SBKube).Version) (*PowerShell $($PSVersionTable.PSVersion))"
        (sbkube --help) -join "`n" | Should -Match '--version'
    }

    It '--help and -h print usage and succeed' {
        $top = sbkube --help
        $LASTEXITCODE | Should -Be 0
        $top[0] | Should -BeLike 'Usage: sbkube*'
        ($top -join "`n") | Should -Match 'state export-metrics'
        (sbkube) -join "`n" | Should -BeExactly ($top -join "`n")
        $h = sbkube state history -h
        $h[0] | Should -Be 'Usage: sbkube state history --namespace NS --app APP [--limit N] [--since DATE] | sbkube state history --action ACTION [--namespace NS] [--app APP] [--since DATE]'
        $h | Should -Contain '  --namespace VALUE (required unless --action)'
        (sbkube rollback -h) | Should -Contain '  --namespace VALUE (required)'
        (sbkube rollback --namespace x --help)[0] | Should -BeLike 'Usage: sbkube rollback*'
        (sbkube state --help) -join "`n" | Should -BeExactly ($top -join "`n")
    }

    It '--state-db PATH works before or after the command and wins over $env:SBKUBE_STATE_DB' -Tag SqliteOnly {
        $db = $env:SBKUBE_STATE_DB
        $other = Join-Path $s.Dir 'other/state.db'
        # A read of a store that does not exist says so; an (empty) one made by a write lists nothing.
        { sbkube --state-db $other state list } | Should -Throw -ErrorId 'StateStore.NotFound*'
        Remove-SbkubeHistory -StatePath $other -KeepLast 1 -Confirm:$false | Out-Null
        @(sbkube --state-db $other state list).Count | Should -Be 1
        $env:SBKUBE_STATE_DB = $other
        try {
            @(sbkube state list --state-db $db).Count | Should -Be 2
            @(sbkube state list --state-db=$db --namespace state-demo).Count | Should -Be 2
            @(sbkube state list).Count | Should -Be 1
        } finally { $env:SBKUBE_STATE_DB = $db }
    }

    It 'DEPLOYED AT is local time (a fresh pwsh in Asia/Seoul shows UTC+9)' {
        $old = $env:TZ
        $env:TZ = 'Asia/Seoul'
        try {
            $r = Invoke-FreshPwsh -Command "Import-Module '$script:ModulePath'; [TimeZoneInfo]::Local.BaseUtcOffset.TotalHours; sbkube state list | Select-Object -Last 1"
        } finally { $env:TZ = $old }
        if ([double]$r.Output[0] -ne 9) { Set-ItResult -Skipped -Because 'this OS does not take the time zone from $env:TZ'; return }
        $utc = (Get-SbkubeState | Select-Object -Last 1).DeployedAtUtc
        $expected = $utc.AddHours(9).ToString('yyyy-MM-dd HH:mm:ss')
        ($r.Output[1] -split '\s{2,}')[4] | Should -Be $expected
    }

    It 'sbkube is exported by the module with help' {
        (Get-Command sbkube).Source | Should -Be 'SBKube'
        (Get-Help sbkube).Synopsis | Should -BeLike "*seed*"
    }
}

Describe 'sbkube: descriptions beyond ASCII' {
    BeforeAll { $s = New-SbkubeSandbox }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'a description with an arrow, a dash and Korean is printed whole in state history' {
        $description = 'Rollback → revision 1 — 배포 완료'
        Invoke-SbkubeApply -Path $s.Example -Description $description | Out-Null
        $line = @(sbkube state history --namespace state-demo --app redis)[-1]
        $line | Should -BeLike "*  $description"
        (Get-SbkubeHistory -Namespace state-demo -App redis | Format-Table | Out-String -Width 200) | Should -BeLike "*$description*"
    }
}
