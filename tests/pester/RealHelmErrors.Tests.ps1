# Each kind of Helm failure, produced with the real Helm 4 and 3 binaries against the API stand-in and
# the test chart repository: its ErrorId, Helm's whole message and the next step SBKube adds.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    Import-Module (Get-TestModulePath) -Force

    function Set-Sources([object] $Sandbox, [string] $Yaml) { Set-Content (Join-Path $Sandbox.Example 'sources.yaml') $Yaml }
    function Add-AppOption([object] $Sandbox, [string] $Lines) { Add-Content (Join-Path $Sandbox.Example 'config.yaml') $Lines }
    # A local chart copied from the test charts into the example, for the broken-chart cases.
    function New-LocalChart([object] $Sandbox) {
        $chart = Join-Path $Sandbox.Example 'charts/web'
        New-Item -ItemType Directory -Force -Path (Split-Path $chart) | Out-Null
        Copy-Item (Join-Path (Get-TestRoot) 'tests/charts/bitnami/nginx') $chart -Recurse
        Set-Content (Join-Path $Sandbox.Example 'config.yaml') "namespace: state-demo`napps:`n  web:`n    type: helm`n    chart: ./charts/web`n"
        $chart
    }
    # Applies and returns the first error record (the run's failure for the app).
    function Invoke-FailingApply([object] $Sandbox, [switch] $Force) {
        $errs = $null
        $null = Invoke-SbkubeApply -Path $Sandbox.Example -Force:$Force -ErrorAction SilentlyContinue -ErrorVariable errs
        @($errs)[0]
    }
}

Describe 'Helm failures on real Helm <Helm>, each with its ErrorId and next step' -ForEach @(@{ Helm = 4 }, @{ Helm = 3 }) {
    BeforeEach { $s = New-SbkubeSandbox -Helm $Helm }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'a wrong repository password is AuthenticationFailed, not a missing chart' {
        Set-Sources $s "helm_repos:`n  bitnami:`n    url: $($s.Cluster.Url)/auth/charts/bitnami`n    username: chartuser`n    password: wrong-pass`n"
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.AuthenticationFailed*'
        $e.Exception.Message | Should -Match '401 Unauthorized'
        $e.Exception.Message | Should -Match 'Check the username and password'
        $e.Exception.Message | Should -Not -Match 'wrong-pass'
        $e.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'credentials written into a repository URL reach helm as --username and --password-stdin, never in argv or a message' {
        $url = $s.Cluster.Url -replace '^http://', 'http://chartuser:chart-pass@'
        Set-Sources $s "helm_repos:`n  bitnami: $url/auth/charts/bitnami`n"
        $out = Invoke-SbkubeApply -Path $s.Example -Verbose 4>&1
        $r = $out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $r.Outcome | Should -Be 'Installed' -Because ($out -join "`n")
        ($out -join "`n") | Should -Match 'helm: .* repo add --force-update --username chartuser --password-stdin -- bitnami http://127\.0\.0\.1:\d+/auth/charts/bitnami|helm: .* repo add --username chartuser --password-stdin -- bitnami http://127\.0\.0\.1:\d+/auth/charts/bitnami'
        ($out -join "`n") | Should -Not -Match 'chart-pass'
        # A wrong one: Helm's error quotes the URL; the message shows it masked.
        Set-Sources $s "helm_repos:`n  bitnami: $($url.Replace('chart-pass', 'wr@ng/pass'))/auth/charts/bitnami`n"
        $e = Invoke-FailingApply $s -Force
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.AuthenticationFailed*'
        $e.Exception.Message | Should -Not -Match 'wr@ng'
        (Get-SbkubeHistory -Namespace state-demo -App redis).Description -join ' ' | Should -Not -Match 'wr@ng|chart-pass'
    }

    It 'a changed repository password in sources.yaml is the one helm uses next' {
        $sources = Join-Path $s.Example 'sources.yaml'
        Set-Sources $s "helm_repos:`n  bitnami:`n    url: $($s.Cluster.Url)/auth/charts/bitnami`n    username: chartuser`n    password: chart-pass`n"
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Installed'
        (Get-Content $sources -Raw).Replace('chart-pass', 'rotated-pass') | Set-Content $sources
        $e = Invoke-FailingApply $s -Force
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.AuthenticationFailed*'
        $e.Exception.Message | Should -Not -Match 'rotated-pass'
    }

    It 'an unreachable repository is RepoUnreachable' {
        Set-Sources $s "helm_repos:`n  bitnami: http://127.0.0.1:$(Get-FreePort)/charts/bitnami`n"
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.RepoUnreachable*'
        $e.Exception.Message | Should -Match 'connection refused'
        $e.Exception.Message | Should -Match 'Check its URL in sources.yaml'
    }

    It 'a chart version the repository lacks is ChartNotFound' {
        Set-RedisVersion $s.Example '17.13.2' '9.9.9'
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.ChartNotFound*'
        $e.Exception.Message | Should -Match 'redis-9\.9\.9'
        $e.Exception.Message | Should -Match 'helm search repo'
    }

    It 'a change Helm never recorded (chart not found, repository unreachable) uses no revision: the attempt is in the audit log' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-RedisVersion $s.Example '17.13.2' '9.9.9'
        $notFound = @(Invoke-SbkubeApply -Path $s.Example -ErrorAction SilentlyContinue)
        $notFound[0].Outcome | Should -Be 'Failed'
        $notFound[0].Revision | Should -BeNullOrEmpty
        Set-RedisVersion $s.Example '9.9.9' '18.0.0'
        Set-Sources $s "helm_repos:`n  bitnami: http://127.0.0.1:$(Get-FreePort)/charts/bitnami`n"
        $unreachable = @(Invoke-SbkubeApply -Path $s.Example -ErrorAction SilentlyContinue)
        $unreachable[0].Outcome | Should -Be 'Failed'
        $unreachable[0].Revision | Should -BeNullOrEmpty

        @(Get-SbkubeHistory -Namespace state-demo -App redis).Revision | Should -Be @(1)
        (Get-RealHelmHistory state-demo redis).Count | Should -Be 1
        $attempts = @(Get-SbkubeAuditLog -Namespace state-demo -App redis -Outcome Failed)
        $attempts.Count | Should -Be 2
        @($attempts | Where-Object Revision).Count | Should -Be 0
        $attempts[0].Action | Should -Be 'upgrade'
        $attempts[0].Description | Should -Match 'FAILED: .*redis-9\.9\.9'
        $attempts[1].Description | Should -Match 'FAILED: .*connection refused'

        Set-Sources $s "helm_repos:`n  bitnami: $(Get-TestBitnamiUrl)`n"
        (Invoke-SbkubeApply -Path $s.Example).Revision | Should -Be 2
    }

    It 'a broken template is InvalidChart' {
        $chart = New-LocalChart $s
        Add-Content (Join-Path $chart 'templates/deployment.yaml') "`n# {{ .Values.broken"
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.InvalidChart*'
        $e.Exception.Message | Should -Match 'deployment\.yaml'
        $e.Exception.Message | Should -Match 'helm lint'
    }

    It 'values the chart''s schema refuses are InvalidValues, with the schema''s complaint' {
        $chart = New-LocalChart $s
        Set-Content (Join-Path $chart 'values.schema.json') '{"type":"object","properties":{"replicaCount":{"type":"integer"}}}'
        Add-AppOption $s "    set:`n      replicaCount: many"
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.InvalidValues*'
        $e.Exception.Message | Should -Match 'replicaCount'
        $e.Exception.Message | Should -Match 'Fix the app''s values'
    }

    It 'an object someone else made is ReleaseNameInUse' {
        & $env:SBKUBE_KUBECTL create namespace state-demo 2>&1 | Out-Null
        "apiVersion: v1`nkind: Service`nmetadata: {name: redis-master}`nspec: {ports: [{port: 6379}]}`n" |
            & $env:SBKUBE_KUBECTL apply --namespace state-demo -f - 2>&1 | Out-Null
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.ReleaseNameInUse*'
        $e.Exception.Message | Should -Match 'Service "redis-master" in namespace "state-demo" exists'
        $e.CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'RBAC refusing a kind of the chart is Forbidden, with the whole message (Helm 3 says it on a second line)' {
        Set-ClusterFault $s @{ forbidden = @{ namespaces = @('state-demo'); resources = @('statefulsets'); user = 'system:serviceaccount:ci:deployer' } }
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.Forbidden*'
        $e.Exception.Message | Should -Match 'User "system:serviceaccount:ci:deployer" cannot \w+ resource "statefulsets" in API group "apps"'
        $e.Exception.Message | Should -Not -Match 'error occurred:'
        $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
        (Get-SbkubeHistory -Namespace state-demo -App redis)[-1].Description | Should -Match 'statefulsets'
    }

    It 'a workload that never becomes ready is Timeout, naming it on Helm 4' {
        Set-ClusterFault $s @{ never_ready = @('redis-master') }
        Add-AppOption $s "    wait: true`n    timeout: 3s"
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.Timeout*'
        $e.Exception.Message | Should -Match 'context deadline exceeded'
        if ($Helm -eq 4) { $e.Exception.Message | Should -Match 'StatefulSet/state-demo/redis-master not ready' }
        $e.Exception.Message | Should -Match 'longer timeout'
        $e.CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It 'an upgrade Helm rolled back on failure is RollbackOnFailure' {
        Add-AppOption $s "    atomic: true`n    timeout: 3s"
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        Set-ClusterFault $s @{ never_ready = @('redis-master') }
        # A new image, so the StatefulSet rolls (an unchanged one would stay ready).
        Set-RedisVersion $s.Example '17.13.2' '18.0.0'
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.RollbackOnFailure*'
        $e.Exception.Message | Should -Match 'rolling back|rolled back'
    }

    It 'a cluster that cannot be reached is ClusterUnreachable' {
        Set-ClusterFault $s @{ unreachable = $true }
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.ClusterUnreachable*'
        $e.Exception.Message | Should -Match 'Check the kube context'
    }
}

Describe 'A server-side apply conflict on real Helm 4' {
    BeforeAll { $s = New-SbkubeSandbox -Helm 4 }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'is FieldConflict, naming the field and the other manager' {
        Invoke-SbkubeApply -Path $s.Example | Out-Null
        & $env:SBKUBE_KUBECTL patch statefulset redis-master --namespace state-demo --type merge -p '{"spec":{"replicas":2}}' 2>&1 | Out-Null
        Set-RedisPassword $s.Example 'state-demo-v1' 'state-demo-v2'
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.FieldConflict*'
        $e.Exception.Message | Should -Match 'conflict with "kubectl-patch" using apps/v1: \.spec\.replicas'
        $e.Exception.Message | Should -Match 'undo that change'
    }
}
