# The seed's command lines, verbatim, through the module's `sbkube` function, and the PowerShell versions of the
# seed's scripts (examples/scripts) against HelmSim.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:RepoRoot = if ($env:SBKUBE_TEST_ROOT) { $env:SBKUBE_TEST_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
    $script:Scripts = Join-Path $script:RepoRoot 'examples/scripts'

    function Set-RedisPassword([string] $Example, [string] $From, [string] $To) {
        $values = Join-Path $Example 'values/redis.yaml'
        (Get-Content $values -Raw).Replace($From, $To) | Set-Content $values -NoNewline
    }
    function Set-RedisVersion([string] $Example, [string] $From, [string] $To) {
        $config = Join-Path $Example 'config.yaml'
        (Get-Content $config -Raw).Replace("version: $From", "version: $To") | Set-Content $config -NoNewline
    }
    function Get-FreePort {
        $l = New-Object System.Net.Sockets.TcpListener ([System.Net.IPAddress]::Loopback), 0
        $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
        $port
    }
    # The seed's table layout: columns left-aligned, two spaces between them, the last one unpadded.
    function Format-Expected([string[]] $Cells, [int[]] $Widths) {
        $parts = for ($i = 0; $i -lt $Cells.Count; $i++) { if ($i -lt $Cells.Count - 1) { $Cells[$i].PadRight($Widths[$i]) } else { $Cells[$i] } }
        $parts -join '  '
    }
    function Get-LocalTime($Utc) { $Utc.ToLocalTime().ToString('yyyy-MM-dd HH:mm:ss') }
    # A config directory for the workflows: one helm app from the bitnami catalog.
    function New-AppConfig([string] $Dir, [string] $Namespace, [string] $App, [string] $Version, [int] $Replicas = 1) {
        New-Item -ItemType Directory -Force -Path (Join-Path $Dir 'values') | Out-Null
        Set-Content (Join-Path $Dir 'sources.yaml') "helm_repos:`n  bitnami: https://charts.bitnami.com/bitnami`n"
        Set-Content (Join-Path $Dir 'config.yaml') "namespace: $Namespace`napps:`n  ${App}:`n    type: helm`n    chart: bitnami/nginx`n    version: $Version`n    values:`n      - $App.yaml`n"
        Set-Content (Join-Path $Dir "values/$App.yaml") "replicaCount: $Replicas`n"
        $Dir
    }
}

Describe 'sbkube: the seed scenarios 1-4 verbatim' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Push-Location $s.Example
        # 시나리오 1: 배포 후 상태 확인
        $apply1 = sbkube apply
        $rc1 = $LASTEXITCODE
        $list1 = sbkube state list
        # 시나리오 2: 값 변경 후 재배포
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        $apply2 = sbkube apply
        $rc2 = $LASTEXITCODE
        # 시나리오 3: 차트 버전 업그레이드
        Set-RedisVersion $s.Example '17.13.2' '18.0.0'
        $apply3 = sbkube apply --force  # 차트 재다운로드 필요
        $rc3 = $LASTEXITCODE
        $list3 = sbkube state list
        # 시나리오 4: 롤백
        $rollback4 = sbkube rollback --namespace state-demo --app redis --revision 2
        $rc4 = $LASTEXITCODE
        $history4 = sbkube state history --namespace state-demo --app redis
        $records = @(Get-SbkubeState -Namespace state-demo -App redis)
        Pop-Location
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'sbkube apply deploys and reports it as text, exit code 0' {
        $rc1 | Should -Be 0
        $apply1[0] | Should -Match '^NAMESPACE\s+APP\s+OUTCOME\s+REVISION\s+CHART\s+DESCRIPTION$'
        $apply1[1] | Should -Match '^state-demo\s+redis\s+Installed\s+1\s+redis-17\.13\.2\s+Initial deployment$'
        @(Get-HelmSimCall -Command upgrade).Count | Should -BeGreaterOrEqual 3
    }

    It 'state list after scenario 1: the seed header and one row, exactly padded' {
        $list1.Count | Should -Be 2
        $list1 | ForEach-Object { $_ | Should -BeOfType [string] }
        $w = 10, 5, 8, 8, 19, 13
        $list1[0] | Should -BeExactly (Format-Expected @('NAMESPACE', 'APP', 'REVISION', 'STATUS', 'DEPLOYED AT', 'CHART') $w)
        $list1[1] | Should -BeExactly (Format-Expected @('state-demo', 'redis', '1', 'deployed', (Get-LocalTime $records[0].DeployedAt), 'redis-17.13.2') $w)
    }

    It 'state list after scenario 3 matches the seed: revisions 1-3, redis-17.13.2 twice then redis-18.0.0' {
        $rc3 | Should -Be 0
        $list3.Count | Should -Be 4
        $w = 10, 5, 8, 10, 19, 13
        $list3[0] | Should -BeExactly (Format-Expected @('NAMESPACE', 'APP', 'REVISION', 'STATUS', 'DEPLOYED AT', 'CHART') $w)
        $list3[1] | Should -BeExactly (Format-Expected @('state-demo', 'redis', '1', 'superseded', (Get-LocalTime $records[0].DeployedAt), 'redis-17.13.2') $w)
        $list3[2] | Should -BeExactly (Format-Expected @('state-demo', 'redis', '2', 'superseded', (Get-LocalTime $records[1].DeployedAt), 'redis-17.13.2') $w)
        $list3[3] | Should -BeExactly (Format-Expected @('state-demo', 'redis', '3', 'deployed', (Get-LocalTime $records[2].DeployedAt), 'redis-18.0.0') $w)
    }

    It 'text output has no separator line and no ANSI colour codes' {
        foreach ($line in @($list3) + @($history4) + @($apply3)) {
            $line | Should -Not -Match '^\s*-{3,}'
            $line | Should -Not -Match "`e\["
        }
    }

    It 'state history after scenario 4: REVISION DEPLOYED AT STATUS CHART DESCRIPTION, revision 4 "Rollback to revision 2"' {
        $rc2 | Should -Be 0
        $rc4 | Should -Be 0
        $rollback4[1] | Should -Match '^state-demo\s+redis\s+RolledBack\s+4\s+redis-17\.13\.2\s+Rollback to revision 2$'
        $history4.Count | Should -Be 5
        $descWidth = ($records | ForEach-Object { $_.Chart.Length } | Measure-Object -Maximum).Maximum
        $w = 8, 19, 10, $descWidth
        $history4[0] | Should -BeExactly (Format-Expected @('REVISION', 'DEPLOYED AT', 'STATUS', 'CHART', 'DESCRIPTION') $w)
        $history4[1] | Should -BeExactly (Format-Expected @('1', (Get-LocalTime $records[0].DeployedAt), 'superseded', 'redis-17.13.2', 'Initial deployment') $w)
        $history4[2] | Should -BeExactly (Format-Expected @('2', (Get-LocalTime $records[1].DeployedAt), 'superseded', 'redis-17.13.2', 'Updated values') $w)
        $history4[3] | Should -Match '^3\s+\S+ \S+\s+superseded\s+redis-18\.0\.0\s+Upgraded chart 17\.13\.2 → 18\.0\.0$'
        $history4[4] | Should -BeExactly (Format-Expected @('4', (Get-LocalTime $records[3].DeployedAt), 'deployed', 'redis-17.13.2', 'Rollback to revision 2') $w)
    }

    It 'state list --namespace / --app filter, and an unknown namespace prints the header only' {
        @(sbkube state list --namespace state-demo).Count | Should -Be 5
        @(sbkube state list --app redis).Count | Should -Be 5
        @(sbkube state list --namespace production) | Should -Be @('NAMESPACE  APP  REVISION  STATUS  DEPLOYED AT  CHART')
        @(sbkube state list --app nope).Count | Should -Be 1
        $LASTEXITCODE | Should -Be 0
    }

    It 'state list --format json prints the JSON of Get-SbkubeState -Format Json' {
        $json = sbkube state list --format json
        $LASTEXITCODE | Should -Be 0
        ($json -join "`n") | Should -BeExactly ((Get-SbkubeState -Format Json) -join "`n")
        $rows = ($json -join "`n") | ConvertFrom-Json
        @($rows).Count | Should -Be 4
        $rows[2].chart | Should -Be 'redis-18.0.0'
        $rows[3].description | Should -Be 'Rollback to revision 2'
        (sbkube state list --format=JSON --namespace=state-demo --app=redis) -join "`n" | Should -BeExactly ($json -join "`n")
    }

    It 'state history --limit 5 shows all four; --limit 1 | Select-Object -Last 1 gives the newest revision (the seed''s tail -1 | awk)' {
        @(sbkube state history --namespace state-demo --app redis --limit 5).Count | Should -Be 5
        $last2 = @(sbkube state history --namespace state-demo --app redis --limit 2)
        $last2.Count | Should -Be 3
        $last2[1] | Should -Match '^3\s'
        $line = sbkube state history --namespace state-demo --app redis --limit 1 | Select-Object -Last 1
        (-split $line)[0] | Should -Be '4'
    }

    It 'state history --since "2025-10-24" keeps everything; a future date keeps only the header' {
        @(sbkube state history --namespace state-demo --app redis --since "2025-10-24").Count | Should -Be 5
        $tomorrow = (Get-Date).AddDays(1).ToString('yyyy-MM-dd')
        @(sbkube state history --namespace state-demo --app redis --since $tomorrow).Count | Should -Be 1
        $cut = $records[3].DeployedAt.ToLocalTime().ToString('yyyy-MM-dd HH:mm:ss')
        $since = @(sbkube state history --namespace state-demo --app redis --since=$cut)
        $since[-1] | Should -Match '^4\s'
    }

    It 'state show --revision 3 prints the seed YAML' {
        $yaml = @(sbkube state show --namespace state-demo --app redis --revision 3)
        $LASTEXITCODE | Should -Be 0
        $yaml[0..4] | Should -Be @('namespace: state-demo', 'app: redis', 'revision: 3', 'status: superseded', 'chart: redis-18.0.0')
        $yaml[5] | Should -Match '^deployed_at: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$'
        $yaml[6..12] | Should -Be @('values:', '  architecture: standalone', '  auth:', "    password: '***'", '  master:', '    persistence:', '      size: 1Gi')
        ($yaml -join "`n") | Should -BeExactly ((Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 3 -Format Yaml) -join "`n").TrimEnd("`n")
    }

    It 'state show --revision current is the deployed revision 4; --show-secrets reveals the password' {
        @(sbkube state show --namespace state-demo --app redis --revision current)[2] | Should -Be 'revision: 4'
        @(sbkube state show --namespace state-demo --app redis)[2] | Should -Be 'revision: 4'
        sbkube state show --namespace state-demo --app redis --revision 4 --show-secrets | Should -Contain '    password: state-demo-v2'
    }

    It 'the seed diff workflow: state show > rev2.yaml / rev3.yaml, then diff' {
        $rev2 = Join-Path $s.Dir 'rev2.yaml'; $rev3 = Join-Path $s.Dir 'rev3.yaml'
        sbkube state show --namespace state-demo --app redis --revision 2 > $rev2
        sbkube state show --namespace state-demo --app redis --revision 3 > $rev3
        (Get-Content $rev2)[2] | Should -Be 'revision: 2'
        $diff = Compare-Object (Get-Content $rev2) (Get-Content $rev3)
        ($diff | Where-Object SideIndicator -EQ '=>').InputObject | Should -Contain 'chart: redis-18.0.0'
        ($diff | Where-Object SideIndicator -EQ '<=').InputObject | Should -Contain 'chart: redis-17.13.2'
        ($diff | Where-Object SideIndicator -EQ '<=').InputObject | Should -Contain 'revision: 2'
        if (Get-Command diff -CommandType Application -ErrorAction Ignore) {
            $out = & diff $rev2 $rev3
            $LASTEXITCODE | Should -Be 1
            $out | Should -Contain '> chart: redis-18.0.0'
        }
    }

    It 'state locks with no lock prints the header only' {
        @(sbkube state locks) | Should -Be @('LOCK ID  NAMESPACE  APP  OWNER  OPERATION  ACQUIRED  EXPIRES')
    }
}

Describe 'sbkube: rollback --dry-run / --force, apply options, delete' {
    BeforeEach {
        $s = New-SbkubeSandbox
        Push-Location $s.Example
        sbkube apply | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        sbkube apply | Out-Null
    }
    AfterEach { Pop-Location; Remove-SbkubeSandbox $s }

    It 'rollback --dry-run changes nothing and says what it would do' {
        $before = Get-StateDbHash
        $out = sbkube rollback --namespace state-demo --app redis --revision 1 --dry-run
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be 'Dry run: would roll back state-demo/redis to revision 1; nothing was changed.'
        Get-StateDbHash | Should -Be $before
        @(Get-HelmSimCall -Command rollback).Count | Should -Be 0
        @(Get-SbkubeState -Namespace state-demo -App redis).Count | Should -Be 2
    }

    It 'rollback --dry-run to a missing revision fails like the real one' {
        { sbkube rollback --namespace state-demo --app redis --revision 42 --dry-run } | Should -Throw -ErrorId 'RevisionNotFound*'
        $LASTEXITCODE | Should -Be 1
    }

    It 'rollback --force passes --force to helm (recreate pods) and records revision 3' {
        $out = sbkube rollback --namespace state-demo --app redis --revision 1 --force
        $LASTEXITCODE | Should -Be 0
        $out[1] | Should -Match '^state-demo\s+redis\s+RolledBack\s+3\s'
        $calls = @(Get-HelmSimCall | Where-Object { $_.argv -contains '--force' -and ($_.argv[0] -eq 'rollback' -or $_.argv[0] -eq 'upgrade') })
        $calls.Count | Should -Be 1
        (Get-SbkubeHistory -Namespace state-demo -App redis | Select-Object -Last 1).Description | Should -Be 'Rollback to revision 1'
    }

    It 'apply --dry-run deploys nothing' {
        Set-RedisPassword $s.Example 'state-demo-v2' 'state-demo-v3'
        $before = Get-StateDbHash
        $upgrades = @(Get-HelmSimCall -Command upgrade).Count
        $out = sbkube apply --dry-run
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be 'Dry run: nothing was deployed or recorded.'
        Get-StateDbHash | Should -Be $before
        @(Get-HelmSimCall -Command upgrade).Count | Should -Be $upgrades
    }

    It 'apply --path, --namespace and --app work from another directory; unchanged apply is Unchanged, --force redeploys' {
        Push-Location $s.Dir
        try {
            (sbkube apply --path $s.Example)[1] | Should -Match '\sUnchanged\s'
            (sbkube apply --path=$($s.Example) --app redis --force)[1] | Should -Match '^state-demo\s+redis\s+Upgraded\s+3\s'
            (sbkube apply --path $s.Example --namespace state-other)[1] | Should -Match '^state-other\s+redis\s+Installed\s+1\s'
        } finally { Pop-Location }
        @(Get-SbkubeState -Namespace state-other).Count | Should -Be 1
    }

    It 'a failing apply writes the error, $? is false and $LASTEXITCODE is 1; the next success resets it to 0' {
        Set-RedisVersion $s.Example '17.13.2' '18.0.0'
        Set-HelmSimFault @{ fail_next_upgrade = @{ redis = 'timed out waiting for the condition' } }
        $out = sbkube apply --force -ErrorVariable err -ErrorAction SilentlyContinue
        $ok = $?
        $rc = $LASTEXITCODE
        $ok | Should -BeFalse
        $rc | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'HelmTimeout*'
        $out[1] | Should -Match '^state-demo\s+redis\s+Failed\s+3\s+redis-18\.0\.0\s'
        sbkube state list | Out-Null
        $LASTEXITCODE | Should -Be 0
    }

    It 'delete --namespace uninstalls without a prompt (fresh non-interactive pwsh), history kept' {
        # Even with every confirmation turned on: the seed's CLI does not ask.
        $r = Invoke-FreshPwsh -Command "Import-Module '$script:ModulePath'; `$ConfirmPreference = 'Low'; Set-Location '$($s.Example)'; sbkube delete --namespace state-demo; exit `$LASTEXITCODE"
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain ($r.Output | Where-Object { $_ -match '^state-demo\s+redis\s+Uninstalled\s+3\s' })
        @(Get-HelmSimCall -Command uninstall).Count | Should -Be 1
        $state = @(Get-SbkubeState -Namespace state-demo -App redis)
        $state.Count | Should -Be 3
        $state[-1].Status | Should -Be 'uninstalled'
        @($state | Where-Object Status -EQ 'deployed').Count | Should -Be 0
    }

    It 'delete --namespace X --app Y deletes only that app; --dry-run deletes nothing' {
        sbkube apply --path $s.Example --namespace state-other | Out-Null
        $before = Get-StateDbHash
        sbkube delete --namespace state-other --app redis --dry-run | Should -Be 'Dry run: nothing was deleted.'
        Get-StateDbHash | Should -Be $before
        (sbkube delete --namespace state-other --app redis)[1] | Should -Match '^state-other\s+redis\s+Uninstalled\s'
        (Get-SbkubeState -Namespace state-other | Select-Object -Last 1).Status | Should -Be 'uninstalled'
        (Get-SbkubeState -Namespace state-demo | Select-Object -Last 1).Status | Should -Be 'deployed'
    }
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
        { Push-Location $s.Example; try { sbkube deploy --namespace state-demo --lock --force } finally { Pop-Location } } | Should -Throw "*$($lock.LockId)*"
        $LASTEXITCODE | Should -Be 1
        @(Get-SbkubeState -Namespace state-demo).Count | Should -Be 1
        @(sbkube state locks --namespace other).Count | Should -Be 1
    }

    It 'deploy --namespace X --lock holds the namespace lock while it runs (seen by state locks) and releases it' {
        Set-HelmSimFault @{ delay_ms_by_command = @{ upgrade = 4000 } }
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
            $out[-1] | Should -Be 'rc=0'
            $out[1] | Should -Match '^state-demo\s+redis\s+Upgraded\s+2\s'
        } finally {
            $job | Remove-Job -Force
            Clear-HelmSimFault
        }
        @(sbkube state locks) | Should -HaveCount 1
        @(Get-HelmSimCall -Command upgrade | Where-Object { $_.argv -contains '--force' }).Count | Should -Be 1
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
        $out[0] | Should -Match '^NAMESPACE\s+APP\s+REVISION\s+STATUS\s+DEPLOYED AT\s+CHART$'
        $out[1] | Should -Match '^state-demo\s+redis\s+1\s'
        $out[2] | Should -Match '^state-demo\s+redis\s+2\s'
        $out[-1] | Should -Be 'Pruned 2 revision(s).'
        (Get-SbkubeState -Namespace state-demo -App redis).Revision | Should -Be @(3)
        Invoke-StateSql 'SELECT COUNT(*) FROM deployment_history WHERE deployment_id NOT IN (SELECT id FROM deployments);' | Should -Be 0
    }

    It '--dry-run lists what would go and removes nothing' {
        $before = Get-StateDbHash
        $out = @(sbkube state prune --older-than 30d --dry-run)
        $out.Count | Should -Be 4
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
            $last = (Get-SbkubeState -Namespace state-demo -App redis | Select-Object -Last 1).DeployedAt
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

    It 'cmdlet errors pass through with their ErrorId' {
        { sbkube state history --namespace state-demo --app nope } | Should -Throw -ErrorId 'AppNotFound*'
        { sbkube state show --namespace state-demo --app redis --revision 0 } | Should -Throw -ErrorId 'InvalidRevision*'
        { sbkube rollback --namespace state-demo --app redis --revision 42 } | Should -Throw -ErrorId 'RevisionNotFound*'
        $LASTEXITCODE | Should -Be 1
    }

    It '--help and -h print usage and succeed' {
        $top = sbkube --help
        $LASTEXITCODE | Should -Be 0
        $top[0] | Should -BeLike 'Usage: sbkube*'
        ($top -join "`n") | Should -Match 'state export-metrics'
        (sbkube) -join "`n" | Should -BeExactly ($top -join "`n")
        $h = sbkube state history -h
        $h[0] | Should -Be 'Usage: sbkube state history --namespace NS --app APP [--limit N] [--since DATE]'
        $h | Should -Contain '  --namespace VALUE (required)'
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
        $utc = (Get-SbkubeState | Select-Object -Last 1).DeployedAt
        $expected = $utc.AddHours(9).ToString('yyyy-MM-dd HH:mm:ss')
        ($r.Output[1] -split '\s{2,}')[4] | Should -Be $expected
    }

    It 'sbkube is exported by the module with help' {
        (Get-Command sbkube).Source | Should -Be 'SBKube'
        (Get-Help sbkube).Synopsis | Should -BeLike "*seed*"
    }
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
        $h[-1].Description | Should -Be 'Rollback to revision 1'
        $h[-1].Status | Should -Be 'deployed'
        (Get-SbkubeDeployment -Namespace state-demo -App redis -ShowSecrets).Values.auth.password | Should -Be 'state-demo-v1'
    }

    It 'keeps the new revision when the health check passes' {
        $r = & $script -Namespace state-demo -App redis -Path $s.Example -WaitSeconds 0 -HealthCheck { $true }
        $LASTEXITCODE | Should -Be 0
        $r.Healthy | Should -BeTrue
        $r.RolledBack | Should -BeFalse
        @(Get-HelmSimCall -Command rollback).Count | Should -Be 0
        $h = @(Get-SbkubeHistory -Namespace state-demo -App redis)
        $h.Count | Should -Be 2
        $h[-1].Status | Should -Be 'deployed'
    }

    It 'checks a real URL like curl -f (2xx healthy, 404 not) and waits -WaitSeconds first' {
        $srv = Start-SbkubeMetricsServer -Port 0 -PassThru
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
            (Get-SbkubeHistory -Namespace state-demo -App redis | Select-Object -Last 1).Description | Should -Be 'Rollback to revision 2'
        } finally { Stop-SbkubeMetricsServer -Port $srv.Port }
    }

    It 'a failed apply is rolled back without waiting' {
        Set-HelmSimFault @{ fail_next_upgrade = @{ redis = 'timed out waiting for the condition' } }
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = & $script state-demo redis http://unused/health -Path $s.Example -WaitSeconds 30 -HealthCheck { throw 'must not be called' } 3>$null
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 25
        $r.RolledBack | Should -BeTrue
        $h = @(Get-SbkubeHistory -Namespace state-demo -App redis)
        $h.Status | Should -Be @('superseded', 'failed', 'deployed')
        $h[-1].Description | Should -Be 'Rollback to revision 1'
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
        @(Get-HelmSimCall -Command rollback).Count | Should -Be 0
    }

    It 'rolls back to blue at once when the test fails' {
        $r = & $script production myapp -Path $app -HealthCheck { $false } 3>$null
        $r.Healthy | Should -BeFalse
        $r.RolledBack | Should -BeTrue
        $r.RollbackRevision | Should -Be 3
        $d = Get-SbkubeDeployment -Namespace production -App myapp
        $d.Revision | Should -Be 3
        $d.Chart | Should -Be 'nginx-15.0.0'
        $d.Description | Should -Be 'Rollback to revision 1'
        $list = sbkube state list --namespace production --app myapp
        $list[-1] | Should -Match '^production\s+myapp\s+3\s+deployed\s.*nginx-15\.0\.0$'
    }

    It 'treats a failed green deployment as a failed test' {
        Set-HelmSimFault @{ fail_next_upgrade = @{ myapp = 'timed out waiting for the condition' } }
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
        @(Get-HelmSimCall -Command uninstall).Count | Should -Be 1
    }

    It 'rolls production back to the baseline revision when the promoted version fails its check' {
        $r = & $script production backend -Path $full -CanaryPath $canary -MonitorCount 1 -Monitor { $true } -HealthCheck { param($ns, $app) $false } 3>$null
        $r.Promoted | Should -BeFalse
        $r.RolledBack | Should -BeTrue
        $d = Get-SbkubeDeployment -Namespace production -App backend
        $d.Revision | Should -Be 3
        $d.Description | Should -Be 'Rollback to revision 1'
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
