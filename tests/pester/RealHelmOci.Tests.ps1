# OCI charts behind a login, on the real Helm 4 and 3 binaries: Debian's docker-registry on loopback (plain
# HTTP, and TLS with a test CA), sources.yaml oci_registries with credentials and the new access keys.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/SeedHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/OciRegistry.psm1" -Force
    Import-Module (Get-TestModulePath) -Force
    $script:Charts = if ($env:SBKUBE_TEST_CHARTS) { $env:SBKUBE_TEST_CHARTS } else { Join-Path (Get-TestRoot) 'out/charts' }
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-oci-' + [guid]::NewGuid().ToString('N').Substring(0, 8))

    # The example's redis from the registry, and sources.yaml naming the registry with the given keys.
    function Use-OciRegistry([object] $Sandbox, [object] $Registry, [string] $Keys) {
        $config = Join-Path $Sandbox.Example 'config.yaml'
        (Get-Content $config -Raw).Replace('chart: bitnami/redis', "chart: oci://$($Registry.Host)/charts/redis") | Set-Content $config -NoNewline
        Set-Content (Join-Path $Sandbox.Example 'sources.yaml') "oci_registries:`n  - host: $($Registry.Host)`n$Keys"
    }
    function Invoke-FailingApply([object] $Sandbox) {
        $errs = $null
        $null = Invoke-SbkubeApply -Path $Sandbox.Example -ErrorAction SilentlyContinue -ErrorVariable errs
        @($errs)[0]
    }
}

AfterAll { Remove-Item $script:Work -Recurse -Force -ErrorAction Ignore }

Describe 'OCI registries on real Helm <Helm>' -ForEach @(@{ Helm = 4 }, @{ Helm = 3 }) {
    BeforeAll {
        # Charts are pushed with Helm 4 whichever Helm is tested: only the pull is SBKube's.
        $helmPath = Get-RealHelmPath 4
        $charts = 'redis-17.13.2.tgz', 'redis-18.0.0.tgz' | ForEach-Object { Join-Path $script:Charts "bitnami/$_" }
        $plain = Start-OciRegistry -Dir (Join-Path $script:Work "plain-$Helm") -Helm $helmPath -Charts $charts
    }
    AfterAll { Stop-OciRegistry $plain }
    BeforeEach { $s = New-SbkubeSandbox -Helm $Helm }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'logs in with the password on stdin and installs, then upgrades, from a plain-HTTP registry' {
        Use-OciRegistry $s $plain "    username: $($plain.User)`n    password: $($plain.Password)`n    plain_http: true`n"
        $verbose = Invoke-SbkubeApply -Path $s.Example -Verbose 4>&1
        $r = $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $r.Outcome | Should -Be 'Installed' -Because ($verbose -join "`n")
        $r.Chart | Should -Be 'redis-17.13.2'
        ($verbose -join "`n") | Should -Match 'helm registry login --username ociuser --password-stdin'
        ($verbose -join "`n") | Should -Not -Match ([regex]::Escape($plain.Password))
        Set-RedisVersion $s.Example '17.13.2' '18.0.0'
        (Invoke-SbkubeApply -Path $s.Example).Outcome | Should -Be 'Upgraded'
        (Get-RealHelmHistory state-demo redis)[-1].chart | Should -Be 'redis-18.0.0'
        $s.StateDb | Should -Not -FileContentMatch ([regex]::Escape($plain.Password))
    }

    It 'a chart pinned by digest (oci://host/charts/redis@sha256:...) installs that very chart, and a digest the registry lacks fails' {
        Use-OciRegistry $s $plain "    username: $($plain.User)`n    password: $($plain.Password)`n    plain_http: true`n"
        $digest = $plain.Digests['redis-17.13.2.tgz']
        $digest | Should -Match '^sha256:[0-9a-f]{64}$'
        $config = Join-Path $s.Example 'config.yaml'
        (Get-Content $config -Raw).Replace("charts/redis`n", "charts/redis@$digest`n").Replace("    version: 17.13.2`n", '') | Set-Content $config -NoNewline
        $r = Invoke-SbkubeApply -Path $s.Example
        $r.Outcome | Should -Be 'Installed'
        $r.Chart | Should -Be 'redis-17.13.2'
        (Get-RealHelmHistory state-demo redis)[-1].chart | Should -Be 'redis-17.13.2'
        (Get-SbkubeDeployment -Namespace state-demo -App redis).ChartRef | Should -Be "oci://$($plain.Host)/charts/redis@$digest"

        (Get-Content $config -Raw).Replace($digest, 'sha256:' + ('0' * 64)) | Set-Content $config -NoNewline
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.ChartNotFound*'
        @(Get-SbkubeHistory -Namespace state-demo -App redis).Count | Should -Be 1
    }

    It 'a wrong password is AuthenticationFailed, and the password is in no message' {
        Use-OciRegistry $s $plain "    username: $($plain.User)`n    password: not-the-password`n    plain_http: true`n"
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.AuthenticationFailed*'
        $e.Exception.Message | Should -Match '401'
        $e.Exception.Message | Should -Not -Match 'not-the-password'
    }

    It 'a registry that needs a login, with no credentials in sources.yaml, is AuthenticationFailed' {
        Use-OciRegistry $s $plain "    plain_http: true`n"
        (Invoke-FailingApply $s).FullyQualifiedErrorId | Should -BeLike 'Helm.AuthenticationFailed*'
    }

}

# Helm 3 talks plain HTTP to a registry on a loopback address whatever it is told (its resolver's localhost
# rule), so TLS to the test registry, and the error for a plain-HTTP registry, are Helm 4's alone here.
Describe 'OCI registries over TLS on real Helm 4' {
    BeforeAll {
        $charts = 'redis-17.13.2.tgz' | ForEach-Object { Join-Path $script:Charts "bitnami/$_" }
        $plain = Start-OciRegistry -Dir (Join-Path $script:Work 'plain-tls-suite') -Helm (Get-RealHelmPath 4) -Charts $charts
        $tls = Start-OciRegistry -Dir (Join-Path $script:Work 'tls') -Helm (Get-RealHelmPath 4) -Charts $charts -Tls
    }
    AfterAll { Stop-OciRegistry $plain; Stop-OciRegistry $tls }
    BeforeEach { $s = New-SbkubeSandbox -Helm 4 }
    AfterEach { Remove-SbkubeSandbox $s }

    It 'installs over TLS, trusting the registry''s CA through ca_file' {
        Copy-Item $tls.CaFile (Join-Path $s.Example 'registry-ca.pem')
        Use-OciRegistry $s $tls "    username: $($tls.User)`n    password: $($tls.Password)`n    ca_file: registry-ca.pem`n"
        $r = Invoke-SbkubeApply -Path $s.Example
        $r.Outcome | Should -Be 'Installed' -Because $r.Message
        (Get-RealHelmHistory state-demo redis)[-1].chart | Should -Be 'redis-17.13.2'
    }

    It 'a plain-HTTP registry without plain_http is TlsFailure, whose next step names plain_http' {
        Use-OciRegistry $s $plain "    username: $($plain.User)`n    password: $($plain.Password)`n"
        $e = Invoke-FailingApply $s
        $e.FullyQualifiedErrorId | Should -BeLike 'Helm.TlsFailure*'
        $e.Exception.Message | Should -Match 'plain_http'
    }
}

Describe 'oci_registries keys in Test-SbkubeConfig' {
    BeforeAll { $s = New-SbkubeSandbox }
    AfterAll { Remove-SbkubeSandbox $s }

    It 'accepts plain_http, insecure_skip_tls_verify and the TLS files, in both shapes' {
        Set-Content (Join-Path $s.Example 'ca.pem') 'x'
        Set-Content (Join-Path $s.Example 'sources.yaml') "helm_repos:`n  bitnami: https://charts.bitnami.com/bitnami`noci_registries:`n  - host: r.example.com:5000`n    plain_http: true`n    insecure_skip_tls_verify: false`n    ca_file: ca.pem`n    cert_file: ca.pem`n    key_file: ca.pem`n"
        Test-SbkubeConfig -Path $s.Example -Quiet | Should -BeTrue
        Set-Content (Join-Path $s.Example 'sources.yaml') "helm_repos:`n  bitnami: https://charts.bitnami.com/bitnami`noci_registries:`n  r.example.com:`n    plain_http: true`n    ca_file: ca.pem`n"
        Test-SbkubeConfig -Path $s.Example -Quiet | Should -BeTrue
    }

    It 'names the file, line and key of a wrong value or a missing file' {
        Set-Content (Join-Path $s.Example 'sources.yaml') "oci_registries:`n  - host: r.example.com`n    plain_http: maybe`n    ca_file: nowhere.pem`n"
        $text = @(Test-SbkubeConfig -Path $s.Example).Message -join "`n"
        $text | Should -Match "'plain_http' of an OCI registry in sources.yaml must be true or false"
        $text | Should -Match "'ca_file' 'nowhere.pem' of an OCI registry in sources.yaml not found"
    }
}
