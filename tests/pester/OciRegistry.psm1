# A real OCI registry for the tests: Debian's docker-registry (the CNCF distribution registry) on loopback,
# with htpasswd logins, over plain HTTP or TLS with a test CA, holding the test charts pushed by real Helm.

<# A CA and a server certificate for 127.0.0.1, as PEM files in $Dir (made with .NET, no openssl needed). #>
function New-TestCertificates([string] $Dir) {
    $rsa = [System.Security.Cryptography.RSA]
    $caKey = $rsa::Create(2048)
    $caReq = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=SBKube test CA', $caKey, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $caReq.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
    $caReq.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new('KeyCertSign, CrlSign', $true))
    $now = [DateTimeOffset]::UtcNow
    $ca = $caReq.CreateSelfSigned($now.AddMinutes(-5), $now.AddDays(2))

    $key = $rsa::Create(2048)
    $req = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=127.0.0.1', $key, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    $san.AddIpAddress([System.Net.IPAddress]::Loopback)
    $req.CertificateExtensions.Add($san.Build())
    $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $false))
    $serial = [byte[]] (1..16 | ForEach-Object { Get-Random -Maximum 256 })
    $cert = $req.Create($ca, $now.AddMinutes(-5), $now.AddDays(1), $serial)

    $files = [pscustomobject]@{ Ca = Join-Path $Dir 'ca.pem'; Cert = Join-Path $Dir 'server.pem'; Key = Join-Path $Dir 'server-key.pem' }
    Set-Content $files.Ca $ca.ExportCertificatePem()
    Set-Content $files.Cert $cert.ExportCertificatePem()
    Set-Content $files.Key $key.ExportPkcs8PrivateKeyPem()
    $files
}

<#
.SYNOPSIS
    Starts docker-registry on a free loopback port with one htpasswd user; -Tls serves HTTPS with a test CA
    (its PEM in .CaFile). Pushes the test charts of -Charts (as oci://<host>/charts/<name>) with -Helm,
    logged in through a registry config of its own, so the sandbox's helm is not logged in.
#>
function Start-OciRegistry {
    param([Parameter(Mandatory)] [string] $Dir, [Parameter(Mandatory)] [string] $Helm, [string[]] $Charts = @(), [switch] $Tls)
    New-Item -ItemType Directory -Force -Path $Dir | Out-Null
    $user = 'ociuser'; $password = 'oci-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $htpasswd = Join-Path $Dir 'htpasswd'
    $out = & htpasswd -Bbc $htpasswd $user $password 2>&1
    if ($LASTEXITCODE -ne 0) { throw "htpasswd failed: $out" }
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
    $certs = if ($Tls) { New-TestCertificates $Dir } else { $null }
    $tlsConfig = if ($Tls) { "`n  tls:`n    certificate: $($certs.Cert)`n    key: $($certs.Key)" } else { '' }
    $config = Join-Path $Dir 'config.yml'
    Set-Content $config @"
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $(Join-Path $Dir 'data')
http:
  addr: 127.0.0.1:$port$tlsConfig
auth:
  htpasswd:
    realm: sbkube-test
    path: $htpasswd
"@
    $psi = [System.Diagnostics.ProcessStartInfo]::new('docker-registry')
    foreach ($a in 'serve', $config) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $registry = [pscustomobject]@{
        Process = $process; Host = "127.0.0.1:$port"; User = $user; Password = $password
        CaFile = if ($Tls) { $certs.Ca } else { $null }; Tls = [bool]$Tls
    }
    Wait-Until {
        $c = [System.Net.Sockets.TcpClient]::new()
        try { $c.Connect([System.Net.IPAddress]::Loopback, $port); $true } finally { $c.Dispose() }
    } -TimeoutSeconds 30
    $pushConfig = Join-Path $Dir 'push-registry.json'
    $access = if ($Tls) { @('--ca-file', $certs.Ca) } else { @() }
    $login = $password | & $Helm registry login $registry.Host --username $user --password-stdin --registry-config $pushConfig @access @(if (-not $Tls) { Get-PlainHttpLoginFlag $Helm }) 2>&1
    if ($LASTEXITCODE -ne 0) { Stop-OciRegistry $registry; throw "helm registry login to the test registry failed: $login" }
    # Each pushed chart's digest, by file name (redis-17.13.2.tgz), as helm push reports it.
    $registry | Add-Member Digests @{}
    foreach ($chart in $Charts) {
        $pushed = & $Helm push $chart "oci://$($registry.Host)/charts" --registry-config $pushConfig @access @(if (-not $Tls) { '--plain-http' }) 2>&1
        if ($LASTEXITCODE -ne 0) { Stop-OciRegistry $registry; throw "helm push $chart failed: $pushed" }
        $registry.Digests[(Split-Path $chart -Leaf)] = ([regex]::Match(($pushed -join "`n"), 'Digest: (sha256:[0-9a-f]{64})')).Groups[1].Value
    }
    $registry
}

# Helm 4's login takes --plain-http; Helm 3's has none and wants --insecure.
function Get-PlainHttpLoginFlag([string] $Helm) {
    if ((& $Helm version --short) -match '^v3\.') { '--insecure' } else { '--plain-http' }
}

function Stop-OciRegistry([object] $Registry) {
    if ($Registry.Process -and -not $Registry.Process.HasExited) {
        $Registry.Process.Kill()
        $null = $Registry.Process.WaitForExit(10000)
    }
}

Export-ModuleMember -Function Start-OciRegistry, Stop-OciRegistry, New-TestCertificates
