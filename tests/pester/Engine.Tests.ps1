# Issue 4: the configurations real teams have: many apps over namespaces, manifests, contexts, Helm 4, drift.
# Also runs on: postgres, helm3
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    # 12 apps over 3 namespaces; platform has a diamond db -> (cache, queue) -> api -> web.
    function New-TwelveAppConfig([string] $Dir) {
        New-Item -ItemType Directory -Force $Dir | Out-Null
        "helm_repos:`n  bitnami: $(Get-TestBitnamiUrl)`n" | Set-Content (Join-Path $Dir 'sources.yaml')
        @'
namespace: platform
apps:
  db:     { chart: bitnami/postgresql, version: 12.5.6 }
  cache:  { chart: bitnami/redis, version: 17.13.2, depends_on: [db] }
  queue:  { chart: bitnami/redis, version: 17.13.2, release_name: queue, depends_on: [db] }
  api:    { chart: bitnami/nginx, version: 15.0.0, depends_on: [cache, queue] }
  web:    { chart: bitnami/nginx, version: 15.0.0, depends_on: [api] }
  t1:     { chart: bitnami/nginx, version: 15.0.0, namespace: team-a }
  t2:     { chart: bitnami/nginx, version: 15.0.0, namespace: team-a }
  t3:     { chart: bitnami/redis, version: 17.13.2, namespace: team-a }
  t4:     { chart: bitnami/mysql, version: 9.10.0, namespace: team-a }
  u1:     { chart: bitnami/nginx, version: 15.0.0, namespace: team-b }
  u2:     { chart: bitnami/redis, version: 17.13.2, namespace: team-b }
  u3:     { chart: bitnami/postgresql, version: 12.5.6, namespace: team-b, depends_on: [u2] }
'@ | Set-Content (Join-Path $Dir 'config.yaml')
    }

    # Upgrade calls as intervals, keyed by release name.
    function Get-UpgradeInterval {
        Get-HelmCall -Command upgrade | ForEach-Object {
            [pscustomobject]@{ Release = $_.Positional[0]; Start = [datetime]$_.start; End = [datetime]$_.end }
        }
    }

    function Get-MaxOverlap($Intervals) {
        $max = 0
        foreach ($i in $Intervals) {
            # How many calls were running at the moment this one started.
            $n = @($Intervals | Where-Object { $_.Start -le $i.Start -and $_.End -gt $i.Start }).Count
            if ($n -gt $max) { $max = $n }
        }
        $max
    }
}

Describe 'Parallel apply along the dependency graph' {
    BeforeEach {
        $s = New-SbkubeSandbox -Example ''
        $dir = Join-Path $s.Dir 'twelve'
        New-TwelveAppConfig $dir
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'runs independent apps concurrently and respects every dependency' {
        $results = Invoke-SbkubeApply -Path $dir -ThrottleLimit 4
        @($results | Where-Object Outcome -ne 'Installed' | ForEach-Object { "$($_.App): $($_.Outcome) $($_.Message)" }) | Should -BeNullOrEmpty
        @($results | Where-Object Outcome -eq 'Installed').Count | Should -Be 12
        $iv = @(Get-UpgradeInterval)
        $iv.Count | Should -Be 12
        $byName = @{}; $iv | ForEach-Object { $byName[$_.Release] = $_ }
        foreach ($edge in @(('db', 'cache'), ('db', 'queue'), ('cache', 'api'), ('queue', 'api'), ('api', 'web'), ('u2', 'u3'))) {
            $byName[$edge[1]].Start | Should -BeGreaterOrEqual $byName[$edge[0]].End -Because "$($edge[1]) depends on $($edge[0])"
        }
        Get-MaxOverlap $iv | Should -BeGreaterThan 1
        Get-MaxOverlap $iv | Should -BeLessOrEqual 4
        (Get-SbkubeState -Latest | Group-Object Namespace | Sort-Object Name).Name | Should -Be @('platform', 'team-a', 'team-b')
    }

    It 'runs one app at a time with -ThrottleLimit 1' {
        Invoke-SbkubeApply -Path $dir -ThrottleLimit 1 | Out-Null
        Get-MaxOverlap @(Get-UpgradeInterval) | Should -Be 1
    }

    It 'skips the dependents of a failed app with a reason and deploys the rest' {
        # Writes of StatefulSets are refused in platform: db (the first of them) fails.
        Set-ClusterFault $s @{ forbidden = @{ namespaces = @('platform'); resources = @('statefulsets') } }
        $results = Invoke-SbkubeApply -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue
        ($results | Where-Object App -eq 'db').Outcome | Should -Be 'Failed'
        foreach ($app in 'cache', 'queue', 'api', 'web') {
            $r = $results | Where-Object App -eq $app
            $r.Outcome | Should -Be 'Skipped'
            $r.Message | Should -Match "dependency '(db|cache|queue|api)'"
        }
        @($results | Where-Object { $_.Outcome -ne 'Installed' -and $_.App -notin 'db', 'cache', 'queue', 'api', 'web' } | ForEach-Object { "$($_.App): $($_.Outcome) $($_.Message)" }) | Should -BeNullOrEmpty
        @($results | Where-Object Outcome -eq 'Installed').Count | Should -Be 7
        @($errs | Where-Object FullyQualifiedErrorId -like 'DependencySkipped*').Count | Should -Be 4
        # Revisions are consistent: one row per attempted app, no pending rows left.
        @(Get-SbkubeState | Where-Object Status -like 'pending-*').Count | Should -Be 0
        @(Get-SbkubeState).Count | Should -Be 8
    }
}

Describe 'Manifest apps (type: yaml)' {
    BeforeAll {
        $s = New-SbkubeSandbox -Example ''
        $dir = Join-Path $s.Dir 'web'
        New-Item -ItemType Directory -Force (Join-Path $dir 'manifests') | Out-Null
        "namespace: web`napps:`n  site:`n    type: yaml`n    manifests: ['manifests/*.yaml']`n" | Set-Content (Join-Path $dir 'config.yaml')
        $deploy = Join-Path $dir 'manifests/deploy.yaml'
        "apiVersion: apps/v1`nkind: Deployment`nmetadata:`n  name: site`nspec:`n  replicas: 1`n" | Set-Content $deploy
        "apiVersion: v1`nkind: Service`nmetadata:`n  name: site`n" | Set-Content (Join-Path $dir 'manifests/svc.yaml')
        $r1 = Invoke-SbkubeApply -Path $dir
        (Get-Content $deploy -Raw).Replace('replicas: 1', 'replicas: 3') | Set-Content $deploy
        $r2 = Invoke-SbkubeApply -Path $dir
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'applies with kubectl apply -f - (the manifests on stdin) and --namespace, and records the manifests' {
        $r1.Outcome | Should -Be 'Installed'
        $apply = @(Get-HelmCall -Tool kubectl -Command apply)[0]
        $apply.argv | Should -Contain '--namespace'
        $apply.argv | Should -Contain 'web'
        $apply.argv[[array]::IndexOf([string[]] $apply.argv, '-f') + 1] | Should -Be '-'
        (& $env:SBKUBE_KUBECTL get service site -n web -o json | ConvertFrom-Json).metadata.name | Should -Be 'site'
        (Get-SbkubeDeployment -Namespace web -App site -Revision 1).Manifests | Should -Be @('deploy.yaml', 'svc.yaml')
        (Get-SbkubeState -Namespace web -App site -Latest).AppType | Should -Be 'yaml'
    }

    It 'a manifest change is revision 2 "Updated manifests", and compare names the object and field' {
        $r2.Revision | Should -Be 2
        $r2.Description | Should -Be 'Updated manifests'
        $diff = Compare-SbkubeRevision -Namespace web -App site -ReferenceRevision 1 -DifferenceRevision 2
        $diff.Path | Should -Be 'Deployment/site spec.replicas'
        "$($diff.Reference) -> $($diff.Difference)" | Should -Be '1 -> 3'
    }

    It 'state show lists the objects of a manifest app' {
        $yaml = @(sbkube state show --namespace web --app site --revision 1)
        $yaml[-3..-1] | Should -Be @('objects:', '- Deployment/site', '- Service/site')
        (Get-SbkubeDeployment -Namespace web -App site -Revision 1).Objects | Should -Be @('Deployment/site', 'Service/site')
    }

    It 'rollback re-applies the recorded manifests' {
        Invoke-SbkubeRollback -Namespace web -App site -Revision 1 | Select-Object -ExpandProperty Outcome | Should -Be 'RolledBack'
        $live = & $env:SBKUBE_KUBECTL get deployment site -n web -o json | ConvertFrom-Json
        $live.spec.replicas | Should -Be 1
    }

    It 'delete uses kubectl delete --ignore-not-found' {
        $r = Remove-SbkubeApp -Namespace web -App site -Confirm:$false -PassThru -ErrorAction SilentlyContinue
        "$($r.Outcome) $($r.Message)" | Should -Be 'Uninstalled '
        $delete = @(Get-HelmCall -Tool kubectl -Command delete)[-1]
        $delete.argv | Should -Contain '--ignore-not-found'
    }
}

Describe 'A Secret manifest is never shown in clear' {
    BeforeAll {
        $s = New-SbkubeSandbox -Example ''
        $dir = Join-Path $s.Dir 'secrets'
        New-Item -ItemType Directory -Force (Join-Path $dir 'manifests') | Out-Null
        "namespace: web`napps:`n  creds:`n    type: yaml`n    manifests: ['manifests/*.yaml']`n" | Set-Content (Join-Path $dir 'config.yaml')
        $secret = Join-Path $dir 'manifests/secret.yaml'
        "apiVersion: v1`nkind: Secret`nmetadata:`n  name: db`nstringData:`n  password: Hunter2-Rev1`n" | Set-Content $secret
        Invoke-SbkubeApply -Path $dir | Out-Null
        "apiVersion: v1`nkind: Secret`nmetadata:`n  name: db`nstringData:`n  password: Hunter2-Rev2`n" | Set-Content $secret
        Invoke-SbkubeApply -Path $dir | Out-Null
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'history, JSON and compare mask its stringData, and compare still reports the change' {
        $shown = (Get-SbkubeHistory -Namespace web -App creds | Select-Object * | ConvertTo-Json -Depth 5) +
            (Get-SbkubeState -Namespace web -Format Json) + (Compare-SbkubeRevision -Namespace web -App creds -ReferenceRevision 1 -DifferenceRevision 2 | Out-String)
        $shown | Should -Not -Match 'Hunter2'
        $diff = Compare-SbkubeRevision -Namespace web -App creds -ReferenceRevision 1 -DifferenceRevision 2
        $diff.Path | Should -Be 'Secret/db stringData.password'
        $diff.Sensitive | Should -BeTrue
        $diff.Difference | Should -Match '^\*\*\*:[0-9a-f]{8}$'
        $diff.Reference | Should -Not -Be $diff.Difference
    }
}

Describe 'Kube contexts, Helm 4, repositories and drift' {
    BeforeEach { $s = New-SbkubeSandbox }
    AfterEach { Remove-SbkubeSandbox $s }

    It '-KubeContext goes to every helm call and into the context column' {
        Add-KubeContext $s prod-eu
        Invoke-SbkubeApply -Path $s.Example -KubeContext prod-eu | Out-Null
        foreach ($call in Get-HelmCall | Where-Object { $_.argv[0] -in 'upgrade', 'list' }) {
            $call.argv | Should -Contain '--kube-context'
            $call.argv | Should -Contain 'prod-eu'
        }
        (Get-SbkubeState).Context | Should -Be 'prod-eu'
        Invoke-StateSql 'SELECT context FROM deployments;' | Should -Be 'prod-eu'
    }

    It 'kube_context in sources.yaml is the default' {
        Add-KubeContext $s staging
        Add-Content (Join-Path $s.Example 'sources.yaml') 'kube_context: staging'
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        (Get-SbkubeState).Context | Should -Be 'staging'
        (Get-HelmCall -Command upgrade)[0].argv | Should -Contain 'staging'
    }

    It 'the kubeconfig''s current context is recorded when nothing else says' {
        $kubeconfig = Join-Path $s.Dir 'kubeconfig'
        Add-KubeContext $s dev-cluster
        (Get-Content $s.Cluster.Kubeconfig -Raw) -replace '(?m)^current-context: .*$', 'current-context: dev-cluster' | Set-Content $kubeconfig
        Invoke-SbkubeApply -Path $s.Example -Kubeconfig $kubeconfig | Out-Null
        (Get-SbkubeState).Context | Should -Be 'dev-cluster'
    }

    It 'speaks the Helm it finds: atomic is --rollback-on-failure on Helm 4, -Force is never Helm''s --force or --force-replace' {
        $major = Get-TestHelmMajor
        Add-Content (Join-Path $s.Example 'config.yaml') '    atomic: true'
        Invoke-SbkubeApply -Path $s.Example -Force | Select-Object -ExpandProperty Outcome | Should -Be 'Installed'
        $argv = (Get-HelmCall -Command upgrade)[0].argv
        $argv | Should -Contain $(if ($major -eq 4) { '--rollback-on-failure' } else { '--atomic' })
        $argv | Should -Not -Contain $(if ($major -eq 4) { '--atomic' } else { '--rollback-on-failure' })
        $argv | Should -Not -Contain '--force-replace'
        $argv | Should -Not -Contain '--force'
        # The drift check before a redeploy lists releases: Helm 4 has no -a.
        Invoke-SbkubeApply -Path $s.Example -Force | Out-Null
        if ($major -eq 4) { (Get-HelmCall -Command list)[0].argv | Should -Not -Contain '-a' }
    }

    It 'a rollback asks helm once for its history and once to roll back; helm version only once per session' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-Content (Join-Path $s.Example 'values/redis.yaml') "architecture: standalone`nauth:`n  password: state-demo-v2`n"
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $before = @(Get-HelmCall).Count
        (Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 1 -Confirm:$false).Outcome | Should -Be 'RolledBack'
        $calls = @(Get-HelmCall | Select-Object -Skip $before | ForEach-Object { $_.argv[0] })
        $calls | Should -Be @('history', 'rollback')
        (Get-SbkubeState -Latest).HelmRevision | Should -Be 3
    }

    It 'adds repositories only when missing and updates one only when a version is missing or -Force asks' {
        Remove-SbkubeSandbox $s
        $s = New-SbkubeSandbox -OwnCharts
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-Content (Join-Path $s.Example 'values/redis.yaml') "architecture: standalone`nauth:`n  password: changed`n"
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        @(Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'add' }).Count | Should -Be 1
        @(Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'update' }).Count | Should -Be 0
        # A chart version published after the repo was added.
        Publish-TestChart $s redis 19.0.0
        $config = Join-Path $s.Example 'config.yaml'
        (Get-Content $config -Raw).Replace('17.13.2', '19.0.0') | Set-Content $config
        $r = Invoke-SbkubeApply -Path $s.Example
        $r.Outcome | Should -Be 'Upgraded'
        $r.Chart | Should -Be 'redis-19.0.0'
        @(Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'update' }).Count | Should -Be 1
        # The seed's apply --force: the chart is fetched again.
        Invoke-SbkubeApply -Path $s.Example -Force | Out-Null
        @(Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'update' }).Count | Should -Be 2
    }

    It 'repo credentials go through stdin, never into arguments, the DB or the output' {
        "helm_repos:`n  bitnami:`n    url: $(Get-TestBitnamiUrl)`n    username: ci`n    password: Sup3r-S3cret-Repo`n" |
            Set-Content (Join-Path $s.Example 'sources.yaml')
        $out = Invoke-SbkubeApply -Path $s.Example -Verbose 4>&1 | Out-String
        $out | Should -Not -Match 'Sup3r-S3cret-Repo'
        $add = (Get-HelmCall -Command repo | Where-Object { $_.argv[1] -eq 'add' })[0]
        $add.argv | Should -Contain '--password-stdin'
        ($add.argv -join ' ') | Should -Not -Match 'Sup3r'
        (Invoke-StateSql 'SELECT config FROM deployments;') -join '' | Should -Not -Match 'Sup3r'
    }

    It 'a failed upgrade recorded by SBKube is not drift: reverting the config is Unchanged' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        $config = Join-Path $s.Example 'config.yaml'
        (Get-Content $config -Raw).Replace('17.13.2', '18.0.0') | Set-Content $config
        Set-ClusterFault $s @{ forbidden = @{ namespaces = @('state-demo'); resources = @('statefulsets') } }
        (Invoke-SbkubeApply -Path $s.Example -ErrorAction SilentlyContinue).Outcome | Should -Be 'Failed'
        Set-ClusterFault $s $null
        (Get-SbkubeState -Latest).HelmRevision | Should -Be 2
        @(Test-SbkubeDrift -Namespace state-demo).Count | Should -Be 0
        (Get-Content $config -Raw).Replace('18.0.0', '17.13.2') | Set-Content $config
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Unchanged'
    }

    It 'Test-SbkubeDrift reports a release changed by hand, and the next apply redeploys it' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        & $env:SBKUBE_HELM upgrade --install redis bitnami/redis -n state-demo --version 17.13.2 --set extra=1 | Out-Null
        $before = Get-StateDbHash
        $drift = @(Test-SbkubeDrift -Namespace state-demo)
        $drift.Count | Should -Be 1
        $drift[0].App | Should -Be 'redis'
        $drift[0].RecordedHelmRevision | Should -Be 1
        $drift[0].HelmRevision | Should -Be 2
        Get-StateDbHash | Should -Be $before
        $r = Invoke-SbkubeApply -Path $s.Example
        $r.Outcome | Should -Be 'Upgraded'
        $r.Description | Should -Match 'drift'
        @(Test-SbkubeDrift -Namespace state-demo).Count | Should -Be 0
    }
}

Describe 'Test-SbkubeConfig' {
    BeforeAll { $s = New-SbkubeSandbox }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'every example config is valid' -ForEach @(
        Get-ChildItem (Join-Path $env:SBKUBE_TEST_ROOT 'examples') -Recurse -Filter config.yaml | ForEach-Object { @{ Dir = $_.DirectoryName } }
    ) {
        Test-SbkubeConfig -Path $Dir | Should -BeNullOrEmpty
    }

    It 'returns every problem as an object with file, line and column, without touching Helm or the DB' {
        $dir = Join-Path $s.Dir 'bad'
        New-Item -ItemType Directory $dir | Out-Null
        Copy-Item (Join-Path $s.Example 'sources.yaml') $dir
        @'
namespace: Bad_Namespace
apps:
  redis:
    chart: nope/redis
    verison: 1.0.0
  web:
    chart: bitnami/nginx
    depends_on: [ghost]
    timeout: 600
'@ | Set-Content (Join-Path $dir 'config.yaml')
        $issues = @(Test-SbkubeConfig -Path $dir)
        $issues.Code | Should -Contain 'InvalidName'
        $issues.Code | Should -Contain 'UnknownRepo'
        $issues.Code | Should -Contain 'UnknownKey'
        $issues.Code | Should -Contain 'UnknownDependency'
        $issues.Code | Should -Contain 'InvalidDuration'
        $unknown = $issues | Where-Object Code -eq 'UnknownKey'
        $unknown.Line | Should -Be 5
        $unknown.Column | Should -Be 5
        $unknown.Message | Should -Match "did you mean 'version'"
        $unknown.File | Should -BeLike '*config.yaml'
        @(Get-HelmCall).Count | Should -Be 0
        $env:SBKUBE_STATE_DB | Should -Not -Exist
    }
}

Describe 'Stopping a run (Ctrl+C)' {
    BeforeEach {
        $s = New-SbkubeSandbox -Example ''
        $dir = Join-Path $s.Dir 'twelve'
        New-TwelveAppConfig $dir
        # About 1.5 s per install, so "Ctrl+C" comes while some run.
        Set-ClusterFault $s @{ slow_writes_ms = 300 }
    }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'stops launching new apps, lets the running ones finish, and leaves no pending row' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$(Get-TestModulePath)'; Invoke-SbkubeApply -Path '$dir' -ThrottleLimit 2")
        $handle = $ps.BeginInvoke()
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (@(Get-HelmCall -Command upgrade).Count -lt 1 -and [datetime]::UtcNow -lt $deadline) {
            # Wait for the first upgrade to finish, then press "Ctrl+C" while the next ones run.
            Start-Sleep -Milliseconds 100
        }
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $handle.IsCompleted | Should -BeTrue
        $ps.Dispose()
        Invoke-StateSql "SELECT COUNT(*) FROM deployments WHERE status LIKE 'pending-%';" | Should -Be 0
        $recorded = [int](Invoke-StateSql 'SELECT COUNT(*) FROM deployments;')
        $recorded | Should -BeGreaterThan 1
        $recorded | Should -BeLessThan 12
        # Every revision that was started was also finished, and Helm agrees with each of them.
        $upgrades = @(Get-HelmCall -Command upgrade).Count
        $recorded | Should -Be $upgrades
        @(Get-SbkubeState | Where-Object Status -ne 'deployed').Count | Should -Be 0
    }
}
