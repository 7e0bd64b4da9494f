# The seed's scenarios 1-4 on the real Helm 4.1.4 and 3.17.3 binaries and real kubectl, against the
# Kubernetes API stand-in (tests/KubeStandIn) and the test chart repository it serves.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    # What the cluster holds, asked with the sandbox's real kubectl.
    function Get-ClusterObject([string] $Namespace, [string] $Kind, [string] $Name) {
        $json = & $env:SBKUBE_KUBECTL get $Kind $Name --namespace $Namespace -o json 2>&1
        if ($LASTEXITCODE -ne 0) { throw "kubectl get $Kind $Name failed: $json" }
        ($json -join "`n") | ConvertFrom-Json
    }
    function Get-RedisPassword([string] $Namespace) {
        $secret = Get-ClusterObject $Namespace secret redis
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($secret.data.'redis-password'))
    }
}

Describe 'The seed scenarios 1-4 on real Helm <Helm>' -ForEach @(@{ Helm = 4 }, @{ Helm = 3 }) {
    BeforeAll {
        $s = New-SbkubeSandbox -Helm $Helm
        Push-Location $s.Example
        try {
            # 시나리오 1: 배포 후 상태 확인
            $apply1 = sbkube apply; $rc1 = $LASTEXITCODE
            $helm1 = Get-RealHelmHistory state-demo redis
            $password1 = Get-RedisPassword state-demo
            $image1 = (Get-ClusterObject state-demo statefulset redis-master).spec.template.spec.containers[0].image
            # 시나리오 2: 값 변경 후 재배포
            Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
            $apply2 = sbkube apply; $rc2 = $LASTEXITCODE
            $password2 = Get-RedisPassword state-demo
            # 시나리오 3: 차트 버전 업그레이드
            Set-RedisVersion $s.Example '17.13.2' '18.0.0'
            $apply3 = sbkube apply --force 2>&1; $rc3 = $LASTEXITCODE
            $helm3 = Get-RealHelmHistory state-demo redis
            # 시나리오 4: 롤백
            $rollback4 = sbkube rollback --namespace state-demo --app redis --revision 2 2>&1; $rc4 = $LASTEXITCODE
            $helm4 = Get-RealHelmHistory state-demo redis
            $password4 = Get-RedisPassword state-demo
            $records = @(Get-SbkubeState -Namespace state-demo -App redis)
            # 강제 롤백 (Pod 재생성): back to revision 3 with its pods recreated.
            $indexReads = @(Get-Content (Join-Path $s.Cluster.Dir 'requests.log') | Where-Object { $_ -match 'GET /charts/bitnami/index.yaml' }).Count
            $forced = Invoke-SbkubeRollback -Namespace state-demo -App redis -Revision 3 -Force -Confirm:$false -ErrorAction Continue 2>&1
            $restarted = (Get-ClusterObject state-demo statefulset redis-master).spec.template.metadata.annotations
            $helm5 = Get-RealHelmHistory state-demo redis
            # apply --force with nothing changed: the repository index is fetched again, a new revision made.
            $again = sbkube apply --force 2>&1; $rcAgain = $LASTEXITCODE
            $indexReadsAfter = @(Get-Content (Join-Path $s.Cluster.Dir 'requests.log') | Where-Object { $_ -match 'GET /charts/bitnami/index.yaml' }).Count
        }
        finally { Pop-Location }
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'scenario 1 installs redis 17.13.2 with real Helm: revision 1, Helm revision 1, the StatefulSet in the cluster' {
        $rc1 | Should -Be 0 -Because ($apply1 -join "`n")
        $apply1[1] | Should -Match '^state-demo\s+redis\s+Installed\s+1\s+redis-17\.13\.2\s+Initial deployment$'
        $helm1.Count | Should -Be 1
        $helm1[0].status | Should -Be 'deployed'
        $helm1[0].chart | Should -Be 'redis-17.13.2'
        $password1 | Should -Be 'state-demo-v1'
        $image1 | Should -Be 'docker.io/bitnami/redis:7.0.12'
    }

    It 'scenario 2 upgrades the values: revision 2 "Updated values", the new password in the cluster' {
        $rc2 | Should -Be 0 -Because ($apply2 -join "`n")
        $apply2[1] | Should -Match '^state-demo\s+redis\s+Upgraded\s+2\s+redis-17\.13\.2\s+Updated values$'
        $password2 | Should -Be 'state-demo-v2'
    }

    It 'scenario 3 (apply --force after the chart bump) deploys redis 18.0.0: revision 3' {
        $rc3 | Should -Be 0 -Because ($apply3 -join "`n")
        ($apply3 -join "`n") | Should -Match 'state-demo\s+redis\s+Upgraded\s+3\s+redis-18\.0\.0'
        $helm3[-1].status | Should -Be 'deployed'
        $helm3[-1].chart | Should -Be 'redis-18.0.0'
    }

    It 'scenario 4 rolls back to revision 2: revision 4 "Rollback to revision 2", Helm deploys 17.13.2 and the v2 password again' {
        $rc4 | Should -Be 0 -Because ($rollback4 -join "`n")
        ($rollback4 -join "`n") | Should -Match 'state-demo\s+redis\s+RolledBack\s+4\s+redis-17\.13\.2\s+Rollback to revision 2'
        $records.Revision | Should -Be @(1, 2, 3, 4)
        $records.Status | Should -Be @('superseded', 'superseded', 'superseded', 'deployed')
        $helm4[-1].status | Should -Be 'deployed'
        $helm4[-1].chart | Should -Be 'redis-17.13.2'
        $records[-1].HelmRevision | Should -Be $helm4[-1].revision
        $password4 | Should -Be 'state-demo-v2'
    }

    It 'rollback -Force recreates the pods: revision 5 deploys 18.0.0 and the StatefulSets are restarted' {
        $forced.Revision | Should -Be 5 -Because ($forced -join "`n")
        $forced.Outcome | Should -Be 'RolledBack'
        $helm5[-1].status | Should -Be 'deployed'
        $helm5[-1].chart | Should -Be 'redis-18.0.0'
        $restarted.'kubectl.kubernetes.io/restartedAt' | Should -Not -BeNullOrEmpty
    }

    It 'apply --force with nothing changed fetches the repository index again and makes a new revision' {
        $rcAgain | Should -Be 0 -Because ($again -join "`n")
        ($again -join "`n") | Should -Match 'state-demo\s+redis\s+Upgraded\s+6\s'
        $indexReadsAfter | Should -BeGreaterThan $indexReads
    }
}

Describe 'A local chart on real Helm <Helm>' -ForEach @(@{ Helm = 4 }, @{ Helm = 3 }) {
    BeforeAll {
        $s = New-SbkubeSandbox -Helm $Helm
        $chart = Join-Path $s.Example 'charts/web'
        New-Item -ItemType Directory -Force -Path (Split-Path $chart) | Out-Null
        Copy-Item (Join-Path (Get-TestRoot) 'tests/charts/bitnami/nginx') $chart -Recurse
        (Get-Content (Join-Path $chart 'Chart.yaml') -Raw).Replace('version: 0.0.0', 'version: 1.2.3') | Set-Content (Join-Path $chart 'Chart.yaml')
        # version: in config.yaml means nothing to Helm for a chart folder; Chart.yaml says what is deployed.
        Set-Content (Join-Path $s.Example 'config.yaml') "namespace: local-demo`napps:`n  web:`n    chart: ./charts/web`n    version: 9.9.9`n"
        $first = Invoke-SbkubeApply -Path $s.Example
        $helm1 = Get-RealHelmHistory local-demo web
        # A template change without a version bump.
        $template = Join-Path $chart 'templates/deployment.yaml'
        ([regex] 'app.kubernetes.io/name: nginx').Replace((Get-Content $template -Raw), "app.kubernetes.io/name: nginx`n    tier: web", 1) | Set-Content $template
        $second = Invoke-SbkubeApply -Path $s.Example
        $labels = (& $env:SBKUBE_KUBECTL get deployment web --namespace local-demo -o json | ConvertFrom-Json).metadata.labels
        $third = Invoke-SbkubeApply -Path $s.Example
    }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'is recorded as Chart.yaml names it, with its chart_ref as written in config.yaml' {
        $first.Outcome | Should -Be 'Installed' -Because $first.Message
        $first.Chart | Should -Be 'nginx-1.2.3'
        $helm1[-1].chart | Should -Be 'nginx-1.2.3'
        $first.Record.ChartRef | Should -Be './charts/web'
        Invoke-StateSql "SELECT DISTINCT chart_ref FROM deployments WHERE app = 'web';" | Should -Be './charts/web'
    }

    It 'a template change without a version bump is deployed ("Updated chart files"), and then nothing is' {
        $second.Outcome | Should -Be 'Upgraded'
        $second.Description | Should -Be 'Updated chart files'
        $labels.tier | Should -Be 'web'
        $third.Outcome | Should -Be 'Unchanged'
    }
}
