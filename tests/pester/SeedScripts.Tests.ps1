# The PowerShell versions of the seed's scripts (examples/scripts) against real Helm.
# Also runs on: postgres
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:RepoRoot = if ($env:SBKUBE_TEST_ROOT) { $env:SBKUBE_TEST_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
    $script:Scripts = Join-Path $script:RepoRoot 'examples/scripts'
}

Describe 'examples/scripts/Invoke-AutoRollback.ps1 (the seed''s auto-rollback.sh)' {
    BeforeEach {
        $s = New-SbkubeSandbox
        sbkube apply --path $s.Example | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        $script = Join-Path $script:Scripts 'Invoke-AutoRollback.ps1'
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'rolls back to the previous revision when the health check fails' {
        $seen = [System.Collections.Generic.List[object]]::new()
        $r = & $script state-demo redis http://redis.state-demo.svc.cluster.local/health -Path $s.Example -WaitSeconds 0 -HealthCheck {
            param($Url, $Namespace, $App) $seen.Add(@($Url, $Namespace, $App)); $false
        } 3>$null
        $LASTEXITCODE | Should -Be 1
        $seen.Count | Should -Be 1
        $seen[0] | Should -Be @('http://redis.state-demo.svc.cluster.local/health', 'state-demo', 'redis')
        $r.PreviousRevision | Should -Be 1
        $r.DeployedRevision | Should -Be 2
        $r.Healthy | Should -BeFalse
        $r.RolledBack | Should -BeTrue
        $r.RollbackRevision | Should -Be 3
        $h = @(Get-SbkubeHistory -Namespace state-demo -App redis)
        $h[-1].Description | Should -Be 'Rollback to revision 1 (Health check failed)'
        # The revision it left is on the record as bad (the seed's 'Upgraded chart (FAILED)').
        $h[1].Status | Should -Be 'failed'
        $h[1].Description | Should -Be 'Updated values (FAILED: Health check failed)'
        $h[-1].Status | Should -Be 'deployed'
        (Get-SbkubeDeployment -Namespace state-demo -App redis -ShowSecrets).Values.auth.password | Should -Be 'state-demo-v1'
    }

    It 'keeps the new revision when the health check passes' {
        $r = & $script -Namespace state-demo -App redis -Path $s.Example -WaitSeconds 0 -HealthCheck { $true }
        $LASTEXITCODE | Should -Be 0
        $r.Healthy | Should -BeTrue
        $r.RolledBack | Should -BeFalse
        @(Get-HelmCall -Command rollback).Count | Should -Be 0
        $h = @(Get-SbkubeHistory -Namespace state-demo -App redis)
        $h.Count | Should -Be 2
        $h[-1].Status | Should -Be 'deployed'
    }

    It 'checks a real URL like curl -f (2xx healthy, 404 not) and waits -WaitSeconds first' {
        $srv = Start-SbkubeMetricsServer -Port 0
        try {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ok = & $script state-demo redis $srv.Url -Path $s.Example -WaitSeconds 2
            $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 2
            $ok.Healthy | Should -BeTrue
            $LASTEXITCODE | Should -Be 0
            Set-RedisPassword $s.Example 'state-demo-v2' 'state-demo-v3'
            $bad = & $script state-demo redis "http://127.0.0.1:$($srv.Port)/health" -Path $s.Example -WaitSeconds 0 3>$null
            $bad.Healthy | Should -BeFalse
            $bad.PreviousRevision | Should -Be 2
            $bad.RolledBack | Should -BeTrue
            (Get-SbkubeHistory -Namespace state-demo -App redis | Select-Object -Last 1).Description | Should -Be 'Rollback to revision 2 (Health check failed)'
        } finally { Stop-SbkubeMetricsServer -Port $srv.Port }
    }

    It 'a failed apply is rolled back without waiting' {
        Set-DeployTimesOut $s $s.Example redis-master
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = & $script state-demo redis http://unused/health -Path $s.Example -WaitSeconds 30 -HealthCheck { throw 'must not be called' } 3>$null
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 25
        $r.RolledBack | Should -BeTrue
        $h = @(Get-SbkubeHistory -Namespace state-demo -App redis)
        $h.Status | Should -Be @('superseded', 'failed', 'deployed')
        $h[-1].Description | Should -Be 'Rollback to revision 1 (Apply failed)'
    }

    It 'does nothing to roll back when the apply recorded no new revision' {
        Set-RedisPassword $s.Example 'state-demo-v2' 'state-demo-v1'
        $r = & $script state-demo redis http://unused/health -Path $s.Example -WaitSeconds 0 -HealthCheck { $false } 3>$null
        $LASTEXITCODE | Should -Be 1
        $r.RolledBack | Should -BeFalse
        $r.Message | Should -Match 'no new revision'
        @(Get-SbkubeHistory -Namespace state-demo -App redis).Count | Should -Be 1
    }

    It 'the seed''s revision lookup line works through sbkube' {
        $prev = (-split (sbkube state history --namespace state-demo --app redis --limit 1 | Select-Object -Last 1))[0]
        $prev | Should -Be '1'
    }
}

Describe 'examples/scripts/Backup-SbkubeNightly.ps1 (the seed''s backup cron job)' -Tag SqliteOnly {
    BeforeAll {
        $s = New-SbkubeSandbox
        Push-Location $s.Example
        sbkube apply | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        sbkube apply | Out-Null
        sbkube rollback --namespace state-demo --app redis --revision 1 | Out-Null
        Pop-Location
        $backup = Join-Path $s.Dir 'backup'
        $files = @(& (Join-Path $script:Scripts 'Backup-SbkubeNightly.ps1') -BackupDirectory $backup -Date ([datetime]'2025-10-24'))
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'writes sbkube-state-<yyyyMMdd>.db and sbkube-history-<yyyyMMdd>.json' {
        $files.Name | Should -Be @('sbkube-state-20251024.db', 'sbkube-history-20251024.json')
        (Get-ChildItem $backup).Name | Sort-Object | Should -Be @('sbkube-history-20251024.json', 'sbkube-state-20251024.db')
    }

    It 'the database copy opens and has every revision' {
        $copy = Join-Path $backup 'sbkube-state-20251024.db'
        Invoke-Sqlite3 'SELECT revision FROM deployments ORDER BY revision;' -Database $copy | Should -Be @('1', '2', '3')
        Invoke-Sqlite3 'PRAGMA integrity_check;' -Database $copy | Should -Be 'ok'
        (Get-SbkubeState -StatePath $copy).Revision | Should -Be @(1, 2, 3)
        @(sbkube state history --namespace state-demo --app redis --state-db $copy)[-1] | Should -Match '^3\s.*Rollback to revision 1$'
    }

    It 'the JSON is the seed''s state list --format json' {
        $json = Get-Content (Join-Path $backup 'sbkube-history-20251024.json') -Raw
        $json.TrimEnd() | Should -BeExactly ((sbkube state list --format json) -join "`n").TrimEnd()
        $rows = $json | ConvertFrom-Json
        $rows.revision | Should -Be @(1, 2, 3)
        [byte[]] $head = [System.IO.File]::ReadAllBytes((Join-Path $backup 'sbkube-history-20251024.json'))[0..2]
        ($head -join ',') | Should -Not -Be '239,187,191' -Because 'no BOM'
    }

    It 'the README''s restore: Restore-SbkubeState brings the revisions back, then rollback works' {
        Push-Location $s.Example
        try {
            Set-RedisPassword $s.Example 'state-demo-v2' 'state-demo-v3'
            sbkube apply | Out-Null
            @(Get-SbkubeState).Count | Should -Be 4
            Restore-SbkubeState -Source (Join-Path $backup 'sbkube-state-20251024.db') -Confirm:$false | Out-Null
            (Get-SbkubeState).Revision | Should -Be @(1, 2, 3)
            sbkube rollback --namespace state-demo --app redis --revision 2 | Out-Null
            $LASTEXITCODE | Should -Be 0
            (Get-SbkubeState | Select-Object -Last 1).Description | Should -Be 'Rollback to revision 2'
        } finally { Pop-Location }
    }

    It 'runs again the same day (replacing the files), defaults to today, and -RetentionDays removes old backups' {
        $again = @(& (Join-Path $script:Scripts 'Backup-SbkubeNightly.ps1') -BackupDirectory $backup -Date ([datetime]'2025-10-24'))
        $again.Count | Should -Be 2
        $today = @(& (Join-Path $script:Scripts 'Backup-SbkubeNightly.ps1') -BackupDirectory $backup -RetentionDays 30)
        $stamp = (Get-Date).ToString('yyyyMMdd')
        $today.Name | Should -Be @("sbkube-state-$stamp.db", "sbkube-history-$stamp.json")
        (Get-ChildItem $backup).Name | Sort-Object | Should -Be @("sbkube-history-$stamp.json", "sbkube-state-$stamp.db")
    }
}

Describe 'examples/scripts/Invoke-BlueGreen.ps1 (seed workflow 1)' {
    BeforeEach {
        $s = New-SbkubeSandbox -Example ''
        $app = New-AppConfig -Dir (Join-Path $s.Dir 'myapp') -Namespace production -App myapp -Version 15.0.0
        # 1. 현재 버전 확인 (Blue)
        sbkube apply --path $app | Out-Null
        $blueList = sbkube state list --namespace production --app myapp
        # 2. 새 버전 (Green): config.yaml 수정
        (Get-Content "$app/config.yaml" -Raw).Replace('15.0.0', '15.1.0') | Set-Content "$app/config.yaml" -NoNewline
        $script = Join-Path $script:Scripts 'Invoke-BlueGreen.ps1'
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'keeps green when the test passes' {
        $blueList[1] | Should -Match '^production\s+myapp\s+1\s+deployed\s.*nginx-15\.0\.0$'
        $urls = [System.Collections.Generic.List[string]]::new()
        $r = & $script -Namespace production -App myapp -Path $app -HealthCheck { param($u) $urls.Add($u); $true } 6>$null
        $urls | Should -Be @('http://myapp.production.svc.cluster.local/health')
        $r.Healthy | Should -BeTrue
        $r.BlueRevision | Should -Be 1
        $r.GreenRevision | Should -Be 2
        $r.RolledBack | Should -BeFalse
        $r.Message | Should -Be 'Green deployment successful'
        (Get-SbkubeDeployment -Namespace production -App myapp).Chart | Should -Be 'nginx-15.1.0'
        @(Get-HelmCall -Command rollback).Count | Should -Be 0
    }

    It 'rolls back to blue at once when the test fails' {
        $r = & $script production myapp -Path $app -HealthCheck { $false } 3>$null
        $r.Healthy | Should -BeFalse
        $r.RolledBack | Should -BeTrue
        $r.RollbackRevision | Should -Be 3
        $d = Get-SbkubeDeployment -Namespace production -App myapp
        $d.Revision | Should -Be 3
        $d.Chart | Should -Be 'nginx-15.0.0'
        $d.Description | Should -Be 'Rollback to revision 1 (Green health check failed)'
        $list = sbkube state list --namespace production --app myapp
        $list[-1] | Should -Match '^production\s+myapp\s+3\s+deployed\s.*nginx-15\.0\.0$'
    }

    It 'treats a failed green deployment as a failed test' {
        Set-DeployTimesOut $s $app myapp
        $r = & $script production myapp -Path $app -HealthCheck { throw 'must not run' } 3>$null
        $r.RolledBack | Should -BeTrue
        (Get-SbkubeHistory -Namespace production -App myapp).Status | Should -Be @('superseded', 'failed', 'deployed')
    }
}

Describe 'examples/scripts/Invoke-Canary.ps1 (seed workflow 2)' {
    BeforeEach {
        $s = New-SbkubeSandbox -Example ''
        $full = New-AppConfig -Dir (Join-Path $s.Dir 'backend') -Namespace production -App backend -Version 15.0.0 -Replicas 10
        sbkube apply --path $full | Out-Null
        # 1. 기존 버전 확인
        $baselineYaml = sbkube state show --namespace production --app backend --revision current
        # New version: the full rollout (replicaCount 10) and the canary (replicaCount: 10 -> 2).
        (Get-Content "$full/config.yaml" -Raw).Replace('15.0.0', '15.1.0') | Set-Content "$full/config.yaml" -NoNewline
        $canary = New-AppConfig -Dir (Join-Path $s.Dir 'backend-canary') -Namespace production -App backend -Version 15.1.0 -Replicas 2
        $script = Join-Path $script:Scripts 'Invoke-Canary.ps1'
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'promotes a healthy canary to production and removes the canary' {
        $baselineYaml[2] | Should -Be 'revision: 1'
        $checks = [System.Collections.Generic.List[object]]::new()
        $r = & $script -Namespace production -App backend -Path $full -CanaryPath $canary -MonitorCount 3 -MonitorIntervalSeconds 0 -Monitor {
            param($ns, $app, $n)
            $checks.Add(@($ns, $app, $n))
            # The canary runs 2 replicas of the new chart in production-canary.
            $d = Get-SbkubeDeployment -Namespace $ns -App $app -Revision current -ShowSecrets
            $d.Chart -eq 'nginx-15.1.0' -and $d.Values.replicaCount -eq 2
        }
        $checks.Count | Should -Be 3
        $checks[2] | Should -Be @('production-canary', 'backend', 3)
        $r.CanaryHealthy | Should -BeTrue
        $r.Promoted | Should -BeTrue
        $r.BaselineRevision | Should -Be 1
        $r.ProductionRevision | Should -Be 2
        $r.CanaryRemoved | Should -BeTrue
        $prod = Get-SbkubeDeployment -Namespace production -App backend -ShowSecrets
        $prod.Chart | Should -Be 'nginx-15.1.0'
        $prod.Values.replicaCount | Should -Be 10
        (Get-SbkubeState -Namespace production-canary | Select-Object -Last 1).Status | Should -Be 'uninstalled'
    }

    It 'deletes a failing canary at once and leaves production alone' {
        $calls = [System.Collections.Generic.List[int]]::new()
        $r = & $script production backend -Path $full -CanaryPath $canary -MonitorCount 5 -MonitorIntervalSeconds 0 -Monitor { $calls.Add(1); $calls.Count -lt 2 } 3>$null
        $calls.Count | Should -Be 2 -Because 'monitoring stops at the first problem'
        $r.CanaryHealthy | Should -BeFalse
        $r.Promoted | Should -BeFalse
        $r.CanaryRemoved | Should -BeTrue
        (Get-SbkubeState -Namespace production-canary).Status | Should -Be @('superseded', 'uninstalled') -Because 'the canary was deployed, then deleted'
        @(Get-SbkubeState -Namespace production).Count | Should -Be 1
        (Get-SbkubeDeployment -Namespace production -App backend).Chart | Should -Be 'nginx-15.0.0'
        @(Get-HelmCall -Command uninstall).Count | Should -Be 1
    }

    It 'rolls production back to the baseline revision when the promoted version fails its check' {
        $r = & $script production backend -Path $full -CanaryPath $canary -MonitorCount 1 -Monitor { $true } -HealthCheck { param($ns, $app) $false } 3>$null
        $r.Promoted | Should -BeFalse
        $r.RolledBack | Should -BeTrue
        $d = Get-SbkubeDeployment -Namespace production -App backend
        $d.Revision | Should -Be 3
        $d.Description | Should -Be 'Rollback to revision 1 (promotion failed its check)'
        $d.Chart | Should -Be 'nginx-15.0.0'
        $r.CanaryRemoved | Should -BeTrue
    }
}

Describe 'examples/scripts have comment-based help' {
    It '<_> has a synopsis, a description, parameter help and an example' -ForEach @('Invoke-AutoRollback.ps1', 'Backup-SbkubeNightly.ps1', 'Invoke-BlueGreen.ps1', 'Invoke-Canary.ps1') {
        $help = Get-Help (Join-Path $script:Scripts $_) -Full
        $help.Synopsis | Should -Not -BeLike "*$_*"
        $help.Synopsis.Length | Should -BeGreaterThan 20
        ($help.description | Out-String) | Should -Match 'seed'
        @($help.examples.example).Count | Should -BeGreaterThan 0
        foreach ($p in @($help.parameters.parameter | Where-Object { $_.name -notin 'WhatIf', 'Confirm' })) {
            ($p.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$($p.name) needs help"
        }
    }
}
