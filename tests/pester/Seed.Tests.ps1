# The seed's command lines, verbatim, through the module's `sbkube` function: scenarios 1-4, rollback,
# apply options and delete. The other commands: SeedCli.Tests.ps1; the seed's scripts: SeedScripts.Tests.ps1.
# Also runs on: postgres, helm3
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:RepoRoot = if ($env:SBKUBE_TEST_ROOT) { $env:SBKUBE_TEST_ROOT } else { (Resolve-Path "$PSScriptRoot/../..").Path }
    $script:Scripts = Join-Path $script:RepoRoot 'examples/scripts'
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
        @(Get-HelmCall -Command upgrade).Count | Should -BeGreaterOrEqual 3
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
        $yaml[6..12] -replace '\*\*\*:[0-9a-f]{8}', '***:<fingerprint>' | Should -Be @('values:', '  architecture: standalone', '  auth:', "    password: '***:<fingerprint>'", '  master:', '    persistence:', '      size: 1Gi')
        ($yaml -join "`n") | Should -BeExactly ((Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 3 -Format Yaml) -join "`n").TrimEnd("`n")
    }

    It 'state show prints local time, as the tables do, whatever the time zone' {
        $script = "Import-Module '$script:ModulePath'; (sbkube state show --namespace state-demo --app redis --revision 3)[5]; " +
            "(Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 3).DeployedAt.ToLocalTime().ToString('yyyy-MM-dd HH:mm:ss')"
        $old = $env:TZ
        try { $env:TZ = 'Asia/Seoul'; $r = Invoke-FreshPwsh $script } finally { $env:TZ = $old }
        $r.Output[0] | Should -Be "deployed_at: $($r.Output[1])"
        $utc = (Get-SbkubeDeployment -Namespace state-demo -App redis -Revision 3).DeployedAt.ToUniversalTime().ToString('yyyy-MM-dd HH:mm:ss')
        $r.Output[1] | Should -Not -Be $utc    # Seoul is UTC+9: the shown time is not the stored UTC one
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

    It 'the seed diff workflow on scenario 2 (only the password changed) shows the password line changed, not the password' {
        $rev1 = Join-Path $s.Dir 'rev1.yaml'; $rev2 = Join-Path $s.Dir 'rev2.yaml'
        sbkube state show --namespace state-demo --app redis --revision 1 > $rev1
        sbkube state show --namespace state-demo --app redis --revision 2 > $rev2
        $diff = Compare-Object (Get-Content $rev1) (Get-Content $rev2) | Where-Object InputObject -Match 'password'
        @($diff).Count | Should -Be 2
        $diff.InputObject | ForEach-Object { $_ | Should -Match "^    password: '\*\*\*:[0-9a-f]{8}'$" }
        (Get-Content $rev1, $rev2 -Raw) | Should -Not -Match 'state-demo-v[12]'
        # Revision 4 rolled back to 2's values: the same secret has the same fingerprint.
        (sbkube state show --namespace state-demo --app redis --revision 4) -match 'password' |
            Should -Be ((Get-Content $rev2) -match 'password')
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
        $out[0] | Should -BeLike 'state-demo/redis: rollback (deployed: revision 2): Would roll back state-demo/redis to revision 1 (*'
        $out[1] | Should -Match '^  values\.auth\.password: \*\*\*:[0-9a-f]{8} -> \*\*\*:[0-9a-f]{8}$'
        $out[-1] | Should -Be 'Dry run: nothing was changed.'
        # What it would do is said once (PowerShell's own "What if:" line goes to the host, not the output).
        @($out | Where-Object { $_ -match 'roll back' }).Count | Should -Be 1
        Get-StateDbHash | Should -Be $before
        @(Get-HelmCall -Command rollback).Count | Should -Be 0
        @(Get-SbkubeState -Namespace state-demo -App redis).Count | Should -Be 2
    }

    It 'rollback --dry-run to a missing revision fails like the real one' {
        { sbkube rollback --namespace state-demo --app redis --revision 42 --dry-run } | Should -Throw -ErrorId 'RevisionNotFound*'
        $LASTEXITCODE | Should -Be 1
    }

    It 'rollback --force records revision 3 and asks Helm for no resource replacement (pods are recreated with kubectl: RealHelm.Tests.ps1)' {
        $out = sbkube rollback --namespace state-demo --app redis --revision 1 --force 3>$null
        $LASTEXITCODE | Should -Be 0
        $out[1] | Should -Match '^state-demo\s+redis\s+RolledBack\s+3\s'
        $calls = @(Get-HelmCall | Where-Object { ($_.argv -contains '--force' -or $_.argv -contains '--force-replace') -and ($_.argv[0] -eq 'rollback' -or $_.argv[0] -eq 'upgrade') })
        $calls.Count | Should -Be 0
        (Get-SbkubeHistory -Namespace state-demo -App redis | Select-Object -Last 1).Description | Should -Be 'Rollback to revision 1'
    }

    It 'apply --dry-run deploys nothing' {
        Set-RedisPassword $s.Example 'state-demo-v2' 'state-demo-v3'
        $before = Get-StateDbHash
        $upgrades = @(Get-HelmCall -Command upgrade).Count
        $out = @(sbkube apply --dry-run)
        $LASTEXITCODE | Should -Be 0
        $out[0] | Should -Match '^state-demo/redis: upgrade \(deployed: revision \d+\): Updated values$'
        $out | Should -Contain ($out -match '^  values\.auth\.password: \*\*\*:[0-9a-f]{8} -> \*\*\*:[0-9a-f]{8}$')[0]
        @($out -match 'values\.auth\.password').Count | Should -Be 1
        ($out -join "`n") | Should -Not -Match 'state-demo-v[23]'
        $out[-1] | Should -Be 'Dry run: nothing was deployed or recorded.'
        Get-StateDbHash | Should -Be $before
        @(Get-HelmCall -Command upgrade).Count | Should -Be $upgrades
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
        Set-DeployTimesOut $s $s.Example redis-master
        $out = sbkube apply --force -ErrorVariable err -ErrorAction SilentlyContinue
        $ok = $?
        $rc = $LASTEXITCODE
        $ok | Should -BeFalse
        $rc | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Helm.Timeout*'
        $out[1] | Should -Match '^state-demo\s+redis\s+Failed\s+3\s+redis-18\.0\.0\s'
        sbkube state list | Out-Null
        $LASTEXITCODE | Should -Be 0
    }

    It 'delete --namespace uninstalls without a prompt (fresh non-interactive pwsh), history kept' {
        # Even with every confirmation turned on: the seed's CLI does not ask.
        $r = Invoke-FreshPwsh -Command "Import-Module '$script:ModulePath'; `$ConfirmPreference = 'Low'; Set-Location '$($s.Example)'; sbkube delete --namespace state-demo; exit `$LASTEXITCODE"
        $r.ExitCode | Should -Be 0 -Because ($r.Output -join "`n")
        $r.Output | Should -Contain ($r.Output | Where-Object { $_ -match '^state-demo\s+redis\s+Uninstalled\s+3\s' })
        @(Get-HelmCall -Command uninstall).Count | Should -Be 1
        $state = @(Get-SbkubeState -Namespace state-demo -App redis)
        $state.Count | Should -Be 3
        $state[-1].Status | Should -Be 'uninstalled'
        @($state | Where-Object Status -EQ 'deployed').Count | Should -Be 0
    }

    It 'delete --namespace X --app Y deletes only that app; --dry-run deletes nothing' {
        sbkube apply --path $s.Example --namespace state-other | Out-Null
        $before = Get-StateDbHash
        $out = @(sbkube delete --namespace state-other --app redis --dry-run)
        $out[0] | Should -BeLike 'state-other/redis: uninstall (deployed: revision 1): helm uninstall redis (revision 1, *'
        $out[-1] | Should -Be 'Dry run: nothing was deleted.'
        Get-StateDbHash | Should -Be $before
        (sbkube delete --namespace state-other --app redis)[1] | Should -Match '^state-other\s+redis\s+Uninstalled\s'
        (Get-SbkubeState -Namespace state-other | Select-Object -Last 1).Status | Should -Be 'uninstalled'
        (Get-SbkubeState -Namespace state-demo | Select-Object -Last 1).Status | Should -Be 'deployed'
    }
}

Describe 'The seed read literally: a bad revision on the record, and rolling back to "previous"' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Push-Location $s.Example
        try {
            sbkube apply | Out-Null
            Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
            sbkube apply | Out-Null
            Set-RedisVersion $s.Example '17.13.2' '18.0.0'
            sbkube apply --force | Out-Null
            # 시나리오 4, with the reason the seed's history implies: revision 3 was bad.
            $rollback = sbkube rollback --namespace state-demo --app redis --revision previous --reason 'error rate after the upgrade'
            $rcRollback = $LASTEXITCODE
            $history = sbkube state history --namespace state-demo --app redis
        }
        finally { Pop-Location }
        $records = @(Get-SbkubeHistory -Namespace state-demo -App redis)
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It '--revision previous after a bad upgrade is the revision before it: revision 4 "Rollback to revision 2 (reason)"' {
        $rcRollback | Should -Be 0
        $rollback[1] | Should -Match '^state-demo\s+redis\s+RolledBack\s+4\s+redis-17\.13\.2\s+Rollback to revision 2 \(error rate after the upgrade\)$'
    }

    It 'the revision rolled back from is on the record as failed, with the reason, in the history table too' {
        $records[2].Status | Should -Be 'failed'
        $records[2].Description | Should -Be 'Upgraded chart 17.13.2 → 18.0.0 (FAILED: error rate after the upgrade)'
        ($records | Where-Object Status -EQ 'deployed').Revision | Should -Be 4
        $history[3] | Should -Match '^3\s.*\sfailed\s+redis-18\.0\.0\s+Upgraded chart 17\.13\.2 → 18\.0\.0 \(FAILED: error rate after the upgrade\)$'
    }

    It 'previous skips failed revisions and those that deployed what is deployed now' {
        # Deployed: 4 (= revision 2's snapshot); 3 failed, 2 is what runs now: previous is 1.
        (Get-SbkubeDeployment -Namespace state-demo -App redis -Revision previous).Revision | Should -Be 1
        (Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision previous -WhatIf).Description | Should -Match 'to revision 1 '
    }

    It 'previous with nothing good before the deployed revision says so (RevisionNotFound)' {
        $one = New-SbkubeSandbox
        try {
            Invoke-SbkubeApply -Path $one.Example | Out-Null
            { Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision previous -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'RevisionNotFound*'
            (Get-SbkubeHistory -Namespace state-demo -App redis).Count | Should -Be 1
        }
        finally { Remove-SbkubeSandbox $one; $env:SBKUBE_STATE_DB = $s.StateDb }
    }
}

Describe 'sbkube apply --description (the seed''s scenario 2 descriptions)' {
    BeforeAll { $s = New-SbkubeSandbox }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'records the given description on the new revision' {
        sbkube apply --path $s.Example --description 'Redis 초기 배포' | Out-Null
        $LASTEXITCODE | Should -Be 0
        (Get-SbkubeDeployment -Namespace state-demo -App redis).Description | Should -Be 'Redis 초기 배포'
    }
}

Describe 'A revision whose snapshot names another release is never deployed or removed' {
    BeforeAll {
        $s = New-SbkubeSandbox
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        # What a crafted store would hold: revision 1's row says redis, its snapshot another release.
        Invoke-StateSql "UPDATE deployments SET config = replace(config, '`"release_name`":`"redis`"', '`"release_name`":`"victim`"') WHERE revision = 1;" | Out-Null
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'a rollback to it is refused (SnapshotMismatch) before Helm is asked anything' {
        $calls = @(Get-HelmCall).Count
        { Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SnapshotMismatch*'
        @(Get-HelmCall | Select-Object -Skip $calls | Where-Object { $_.argv[0] -in 'upgrade', 'rollback', 'uninstall' }).Count | Should -Be 0
        (Get-SbkubeDeployment -Namespace state-demo -App redis).Revision | Should -Be 2
    }
}
