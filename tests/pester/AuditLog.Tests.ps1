# Issue 25: the audit trail across apps. Get-SbkubeAuditLog and `sbkube state history --action` return the rows of
# the seed's own query, SELECT * FROM deployment_history WHERE action = 'rollback'. Runs on both backends.
# Also runs on: postgres
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force
}

Describe 'Get-SbkubeAuditLog' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null                                          # deploy, revision 1
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        Invoke-SbkubeApply -Path $s.Example | Out-Null                                          # upgrade, revision 2
        Set-RedisPassword $s.Example 'state-demo-v2' 'state-demo-v3'
        Set-ClusterFault $s @{ forbidden = @{ namespaces = @('state-demo'); resources = @('statefulsets') } }
        Invoke-SbkubeApply -Path $s.Example -ErrorAction SilentlyContinue | Out-Null            # failed upgrade, revision 3
        Set-ClusterFault $s $null
        Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 | Out-Null          # rollback, revision 4
        $startedAt = [datetime]::UtcNow
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'the rollbacks are the rows of the seed''s audit query, with the app and revision they concern' {
        $seed = @(Invoke-StateSql "SELECT id || '|' || description FROM deployment_history WHERE action = 'rollback' ORDER BY id;")
        $seed.Count | Should -Be 1
        $log = @(Get-SbkubeAuditLog -Action rollback)
        @($log | ForEach-Object { "$($_.Id)|$($_.Description)" }) | Should -Be $seed
        $log[0].Namespace | Should -Be 'state-demo'
        $log[0].App | Should -Be 'redis'
        $log[0].Revision | Should -Be 4
        $log[0].Outcome | Should -Be 'Succeeded'
        $log[0].Timestamp.Kind | Should -Be 'Local'
        $log[0].TimestampUtc.Kind | Should -Be 'Utc'
    }

    It 'every action oldest first, and -Outcome Failed finds the failed upgrade' {
        $all = @(Get-SbkubeAuditLog)
        @($all.Action) | Should -Be @('deploy', 'upgrade', 'upgrade', 'rollback')
        @($all.Id) | Should -Be @($all.Id | Sort-Object)
        $failed = @(Get-SbkubeAuditLog -Outcome Failed)
        $failed.Count | Should -Be 1
        $failed[0].Revision | Should -Be 3
        $failed[0].Description | Should -Match 'is forbidden'
    }

    It 'filters by namespace, app, user (wildcards), and time' {
        @(Get-SbkubeAuditLog -Namespace state-demo -App redis).Count | Should -Be 4
        @(Get-SbkubeAuditLog -Namespace elsewhere) | Should -BeNullOrEmpty
        @(Get-SbkubeAuditLog -User "*@$([Environment]::MachineName)").Count | Should -Be 4
        @(Get-SbkubeAuditLog -User 'nobody@*') | Should -BeNullOrEmpty
        @(Get-SbkubeAuditLog -Since $startedAt.AddMinutes(1)) | Should -BeNullOrEmpty
        @(Get-SbkubeAuditLog -Until $startedAt.AddMinutes(-10)) | Should -BeNullOrEmpty
        @(Get-SbkubeAuditLog -Action deploy, rollback).Count | Should -Be 2
    }

    It 'refuses an action it does not know, naming the ones it does' {
        { Get-SbkubeAuditLog -Action rolback } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'its default table fits 80 columns' {
        $lines = @(Get-SbkubeAuditLog | Out-String -Width 80 -Stream | Where-Object { $_ })
        $lines[0] | Should -Match '^TIME\s+ACTION\s+APP\s+REV\s+OUTCOME\s+USER'
        $lines | Where-Object { $_ -match 'rollback' } | Should -Match 'state-demo/redis\s+4\s+Succeeded'
    }

    It 'sbkube state history --action rollback prints the same rows' {
        $out = @(sbkube state history --action rollback)
        $LASTEXITCODE | Should -Be 0
        $out[0] | Should -Match '^TIME\s{2,}ACTION\s{2,}NAMESPACE\s{2,}APP\s{2,}REVISION\s{2,}OUTCOME\s{2,}USER\s{2,}DESCRIPTION$'
        $out.Count | Should -Be 2
        $out[1] | Should -Match 'rollback\s{2,}state-demo\s{2,}redis\s{2,}4\s{2,}Succeeded'
        { sbkube state history --namespace state-demo } | Should -Throw -ErrorId 'SbkubeCli.MissingFlag*'
    }
}

Describe 'Attempts that made no revision' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'an apply refused by another host''s lock on the app is on the record, and the next revision is still 2' {
        # A live lease of a run on another host: waited for briefly, never taken over.
        Add-RemoteLock lk-other agent-9
        $refused = Invoke-SbkubeApply -Path $s.Example -LockTimeout 1s -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'LockHeld*'
        $refused.Revision | Should -BeNullOrEmpty
        $attempt = @(Get-SbkubeAuditLog -Outcome Failed)
        $attempt.Count | Should -Be 1
        $attempt[0].Action | Should -Be 'upgrade'
        $attempt[0].App | Should -Be 'redis'
        $attempt[0].Revision | Should -BeNullOrEmpty
        $attempt[0].Description | Should -Match '^Updated values \(FAILED: .*ci@agent-9'

        Invoke-StateSql "DELETE FROM locks WHERE lock_id = 'lk-other';" | Out-Null
        (Invoke-SbkubeApply -Path $s.Example).Revision | Should -Be 2
    }
}

Describe 'Every attempt names who ran it, from where, and with what' {
    BeforeAll {
        $s = New-SbkubeSandbox
        $ci = @{ GITHUB_ACTIONS = 'true'; GITHUB_SERVER_URL = 'https://github.example'; GITHUB_REPOSITORY = 'org/deploy'; GITHUB_RUN_ID = '4242'; GITHUB_RUN_ATTEMPT = '2' }
        foreach ($k in $ci.Keys) { Set-Item "env:$k" $ci[$k] }
        $run = 'https://github.example/org/deploy/actions/runs/4242/attempts/2'
        git -C $s.Example init -q
        git -C $s.Example add -A
        git -C $s.Example -c user.email=ci@example.test -c user.name=ci commit -qm 'config'
        $commit = git -C $s.Example rev-parse HEAD
        $helm = (& $env:SBKUBE_HELM version --short) -replace '\+.*$'
        Invoke-SbkubeApply -Path $s.Example | Out-Null                                   # revision 1, from the commit as it is
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'                      # the folder now differs from the commit

        function Assert-Provenance($Row, [bool] $Dirty) {
            $Row.User | Should -Be "$([Environment]::UserName)@$([Environment]::MachineName)"
            $Row.Host | Should -Be ([Environment]::MachineName)
            $Row.ProcessId | Should -BeGreaterThan 0
            $Row.CiRun | Should -Be $run
            $Row.ConfigCommit | Should -Be $commit
            $Row.ConfigDirty | Should -Be $Dirty
            $Row.HelmVersion | Should -BeLike "$helm*"
            $Row.SbkubeVersion | Should -BeLike "$((Get-Module SBKube).Version)*"
        }
    }
    AfterAll {
        foreach ($k in $ci.Keys) { Remove-Item "env:$k" -ErrorAction Ignore }
        Remove-SbkubeSandbox $s
    }

    It 'a change: the user, host and process, the CI run, the config''s commit, Helm''s and SBKube''s versions' {
        $row = @(Get-SbkubeAuditLog)[0]
        $row.Action | Should -Be 'deploy'
        $row.ProcessId | Should -Be $PID
        Assert-Provenance $row $false
        $row.ErrorId | Should -BeNullOrEmpty
        Invoke-StateSql "SELECT ci_run || '|' || config_commit || '|' || helm_version FROM deployment_history ORDER BY id LIMIT 1;" |
            Should -Be "$run|$commit|$($row.HelmVersion)"
    }

    It 'an apply refused by a lock: Failed, with LockHeld and the same provenance' {
        Add-RemoteLock lk-other agent-9
        try { Invoke-SbkubeApply -Path $s.Example -LockTimeout 1s -ErrorAction SilentlyContinue | Out-Null }
        finally { Invoke-StateSql "DELETE FROM locks WHERE lock_id = 'lk-other';" | Out-Null }
        $row = @(Get-SbkubeAuditLog -Outcome Failed)[-1]
        $row.Revision | Should -BeNullOrEmpty
        $row.ErrorId | Should -Be 'LockHeld'
        Assert-Provenance $row $true
    }

    It 'an apply that failed before Helm recorded anything: Failed, with Helm''s error kind' {
        Set-RedisVersion $s.Example '17.13.2' '99.99.99'
        try { Invoke-SbkubeApply -Path $s.Example -ErrorAction SilentlyContinue | Out-Null }
        finally { Set-RedisVersion $s.Example '99.99.99' '17.13.2' }
        $row = @(Get-SbkubeAuditLog -Outcome Failed)[-1]
        $row.Revision | Should -BeNullOrEmpty
        $row.ErrorId | Should -Be 'Helm.ChartNotFound'
        Assert-Provenance $row $true
    }

    It 'a rollback stopped by SIGTERM while it waited for a lock: Cancelled, on the record' -Skip:$IsWindows {
        Add-RemoteLock lk-other agent-9
        try {
            $p = Start-BackgroundPwsh -DefaultSignals ("Import-Module '$(Get-TestModulePath)'; " +
                "Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 -LockTimeout 120s -Verbose 4>&1 | ForEach-Object { `"`$_`" }")
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            do { $line = $p.StandardOutput.ReadLine() } until ($null -eq $line -or $line -match 'Waiting up to' -or [datetime]::UtcNow -gt $deadline)
            $line | Should -Match 'ci@agent-9'
            & kill -TERM $p.Id
            $p.WaitForExit(60000) | Should -BeTrue
        }
        finally { Invoke-StateSql "DELETE FROM locks WHERE lock_id = 'lk-other';" | Out-Null }
        $row = @(Get-SbkubeAuditLog -Action rollback)[-1]
        $row.Outcome | Should -Be 'Cancelled'
        @(Get-SbkubeAuditLog -Outcome Cancelled).Count | Should -Be 1
        $row.Revision | Should -BeNullOrEmpty
        $row.ProcessId | Should -Be $p.Id
        $row.Description | Should -Match '^Rollback to revision 1 \(CANCELLED'
        $row.CiRun | Should -Be $run
    }

    It 'metrics count the failed attempts per app; the cancelled one is not a failure' {
        $text = Export-SbkubeMetrics
        $text | Should -Match '(?m)^sbkube_failed_attempts\{namespace="state-demo",app="redis"\} 2$'
        $text | Should -Match '(?m)^# TYPE sbkube_failed_attempts gauge$'
    }

    It 'Export-SbkubeState and Import-SbkubeState carry every audit row, attempts included' {
        $file = Join-Path $s.Dir 'audit.json'
        Export-SbkubeState -Path $file
        $fresh = Join-Path $s.Dir 'fresh/state.db'
        Import-SbkubeState -Path $file -StatePath $fresh | Out-Null
        $fields = 'Action', 'Outcome', 'Revision', 'Namespace', 'App', 'User', 'Host', 'ProcessId', 'CiRun', 'ConfigCommit', 'ConfigDirty',
            'HelmVersion', 'SbkubeVersion', 'ErrorId', 'Description', @{ n = 'At'; e = { $_.TimestampUtc.ToString('yyyy-MM-dd HH:mm:ss') } }
        $before = @(Get-SbkubeAuditLog)
        $before.Count | Should -BeGreaterThan 3
        @(Get-SbkubeAuditLog | Where-Object Revision -eq $null).Count | Should -BeGreaterThan 1 -Because 'the attempts are rows without a revision'
        (Get-SbkubeAuditLog -StatePath $fresh | Select-Object $fields | ConvertTo-Json) | Should -Be ($before | Select-Object $fields | ConvertTo-Json)
        $again = Import-SbkubeState -Path $file -StatePath $fresh
        $again.Imported + $again.AttemptsImported | Should -Be 0 -Because 'a second import adds no row'
        @(Get-SbkubeAuditLog -StatePath $fresh).Count | Should -Be $before.Count
    }
}
