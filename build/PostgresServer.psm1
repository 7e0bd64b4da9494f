# A throwaway PostgreSQL server for the tests: initdb into a temp folder, listening on 127.0.0.1 at a
# free port and on a unix socket in that folder. PostgreSQL refuses to run as root, so as root the
# folder is handed to the 'postgres' user and the server runs as that user.

function Get-PostgresBin {
    $bin = Get-ChildItem /usr/lib/postgresql/*/bin/initdb -ErrorAction Ignore | Sort-Object FullName -Descending | Select-Object -First 1
    if (-not $bin) { throw 'PostgreSQL is not installed (initdb not found under /usr/lib/postgresql); run ./build.ps1 -Task Prerequisites.' }
    Split-Path $bin.FullName
}

function Invoke-AsPostgresOwner([string] $Exe, [string[]] $Arguments) {
    $asRoot = (& id -u) -eq '0'
    if ($asRoot) { $out = & runuser -u postgres -- $Exe @Arguments 2>&1 } else { $out = & $Exe @Arguments 2>&1 }
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed ($LASTEXITCODE): $($out -join "`n")" }
    $out
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

<#
.SYNOPSIS
    Starts a server and creates the role and database the tests use. Returns an object with the
    connection URI (password in PGPASSWORD, not in the URI), the data folder and the binaries.
#>
function Start-SbkubeTestPostgres {
    $bin = Get-PostgresBin
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('sbkube-pg-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $data = Join-Path $dir 'data'
    New-Item -ItemType Directory -Path $data -Force | Out-Null
    $asRoot = (& id -u) -eq '0'
    if ($asRoot) { & chown -R postgres $dir; & chmod 700 $dir }
    $port = Get-FreePort
    $superPassword = [guid]::NewGuid().ToString('N')
    $password = [guid]::NewGuid().ToString('N')
    $pwfile = Join-Path $dir 'pw'
    Set-Content -Path $pwfile -Value $superPassword -NoNewline
    if ($asRoot) { & chown postgres $pwfile }
    & chmod 600 $pwfile
    # Passwords over TCP (so a wrong one is refused), trust only on the private unix socket.
    Invoke-AsPostgresOwner (Join-Path $bin 'initdb') @('-D', $data, '-U', 'postgres', "--pwfile=$pwfile", '--auth-local=trust',
        '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8') | Out-Null
    Remove-Item $pwfile -Force
    $log = Join-Path $dir 'server.log'
    $options = "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=off"
    Invoke-AsPostgresOwner (Join-Path $bin 'pg_ctl') @('-D', $data, '-l', $log, '-o', $options, '-w', '-t', '60', 'start') | Out-Null
    $server = [pscustomobject]@{
        Dir = $dir; Data = $data; Bin = $bin; Port = $port; Socket = $dir; Options = $options; Log = $log
        User = 'sbkube'; Password = $password; Database = 'sbkube'
        Uri = "postgres://sbkube@127.0.0.1:$port/sbkube?sslmode=disable"
    }
    try {
        Invoke-TestPsql $server -Admin -Database postgres @('-c', "CREATE ROLE sbkube LOGIN PASSWORD '$password'") | Out-Null
        Invoke-TestPsql $server -Admin -Database postgres @('-c', 'CREATE DATABASE sbkube OWNER sbkube') | Out-Null
    }
    catch { Stop-SbkubeTestPostgres $server; throw }
    $server
}

<# psql against the test server: as the superuser over the socket (-Admin), else as sbkube over TCP. #>
function Invoke-TestPsql([object] $Server, [string[]] $Arguments, [switch] $Admin, [string] $Database = 'sbkube') {
    if ($Admin) {
        $out = & psql -h $Server.Socket -p $Server.Port -U postgres -d $Database -v ON_ERROR_STOP=1 -X -q -A -t @Arguments 2>&1
    }
    else {
        $saved = $env:PGPASSWORD
        $env:PGPASSWORD = $Server.Password
        try { $out = & psql -h 127.0.0.1 -p $Server.Port -U $Server.User -d $Database -v ON_ERROR_STOP=1 -X -q -A -t @Arguments 2>&1 }
        finally { $env:PGPASSWORD = $saved }
    }
    if ($LASTEXITCODE -ne 0) { throw "psql $($Arguments -join ' ') failed: $($out -join "`n")" }
    $out
}

function Restart-SbkubeTestPostgres([object] $Server) {
    Invoke-AsPostgresOwner (Join-Path $Server.Bin 'pg_ctl') @('-D', $Server.Data, '-l', $Server.Log, '-o', $Server.Options, '-m', 'fast', '-w', '-t', '60', 'restart') | Out-Null
}

<# An outage: the server stops, keeping its data, until Resume-SbkubeTestPostgres. #>
function Suspend-SbkubeTestPostgres([object] $Server) {
    Invoke-AsPostgresOwner (Join-Path $Server.Bin 'pg_ctl') @('-D', $Server.Data, '-m', 'fast', '-w', '-t', '60', 'stop') | Out-Null
}

function Resume-SbkubeTestPostgres([object] $Server) {
    Invoke-AsPostgresOwner (Join-Path $Server.Bin 'pg_ctl') @('-D', $Server.Data, '-l', $Server.Log, '-o', $Server.Options, '-w', '-t', '60', 'start') | Out-Null
}

function Stop-SbkubeTestPostgres([object] $Server) {
    if (-not $Server) { return }
    try { Invoke-AsPostgresOwner (Join-Path $Server.Bin 'pg_ctl') @('-D', $Server.Data, '-m', 'immediate', '-w', 'stop') | Out-Null }
    catch { Write-Warning "Stopping the test PostgreSQL server: $_" }
    Remove-Item $Server.Dir -Recurse -Force -ErrorAction Ignore
}

Export-ModuleMember -Function Start-SbkubeTestPostgres, Stop-SbkubeTestPostgres, Restart-SbkubeTestPostgres, Suspend-SbkubeTestPostgres, Resume-SbkubeTestPostgres, Invoke-TestPsql
