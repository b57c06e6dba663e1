#!/usr/bin/env pwsh
# Media's one build script. Targets:
#   run    start the API (SQLite in ./data unless configured; extra arguments go to the app, e.g. --urls)
#   test   install what the tests need (Debian, as root), run every test, print "N passed, N failed, N skipped"
#   bench  the benchmarks (Release, real PostgreSQL): figures to bench/results/latest.json and a table; -Quick for a small run
param(
    [Parameter(Position = 0)][ValidateSet('run', 'test', 'bench')][string]$Target = 'run',
    [Parameter(Position = 1, ValueFromRemainingArguments = $true)][string[]]$Rest = @()
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Test-Command([string]$Name) { $null -ne (Get-Command $Name -ErrorAction SilentlyContinue) }

function Find-PostgresBin {
    $versions = Get-ChildItem '/usr/lib/postgresql' -Directory -ErrorAction SilentlyContinue |
        Where-Object { Test-Path (Join-Path $_.FullName 'bin/initdb') } |
        Sort-Object { [int]($_.Name -replace '\D', '') } -Descending
    if ($versions) { return (Join-Path $versions[0].FullName 'bin') }
    if (Test-Command 'initdb') { return (Split-Path (Get-Command initdb).Source) }
    return $null
}

# The tests run real servers from Debian's packages; install the missing ones when we may.
function Install-TestDependencies {
    $missing = @()
    if (-not (Find-PostgresBin)) { $missing += 'postgresql' }
    # The download-client adapters are tested against the real daemons; transmission-create makes the test torrents.
    if (-not (Test-Path '/usr/bin/transmission-daemon')) { $missing += 'transmission-daemon' }
    if (-not (Test-Path '/usr/bin/transmission-create')) { $missing += 'transmission-cli' }
    if (-not (Test-Path '/usr/bin/qbittorrent-nox')) { $missing += 'qbittorrent-nox' }
    # The web app's browser tests drive Debian's Chromium through Playwright (never 'playwright install').
    if (-not (Test-Path '/usr/bin/chromium')) { $missing += 'chromium' }
    # Probes read files with ffprobe; the tests make their small media files with ffmpeg (both in Debian's ffmpeg).
    if (-not ((Test-Command 'ffprobe') -and (Test-Command 'ffmpeg'))) { $missing += 'ffmpeg' }
    # The azure-blob adapter is tested against Azurite, from the npm registry; node and npm come from Debian.
    $needAzurite = -not $env:MEDIA_TEST_AZURITE -and -not (Test-Path $AzuriteBin)
    if ($needAzurite -and -not (Test-Command 'npm')) { $missing += 'nodejs'; $missing += 'npm' }
    if ($missing.Count -gt 0) {
        $isRoot = (Test-Command 'id') -and ((& id -u) -eq '0')
        if (-not ((Test-Command 'apt-get') -and $isRoot)) {
            Write-Warning "Missing Debian packages: $($missing -join ', '). Install them (as root: apt-get install $($missing -join ' ')); tests that need them will fail or be skipped."
        } else {
            Write-Host "Installing $($missing -join ', ') with apt-get..."
            $env:DEBIAN_FRONTEND = 'noninteractive'
            # Into a log file, not a pipe: a service that a package starts while it installs keeps the output it was
            # given, and a pipe held open that way never ends.
            $log = Join-Path ([IO.Path]::GetTempPath()) 'media-apt.log'
            & bash -c "{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $($missing -join ' '); } > '$log' 2>&1 < /dev/null"
            if ($LASTEXITCODE -ne 0) { Get-Content $log -Tail 30 | Write-Host; throw "apt-get install $($missing -join ' ') failed ($LASTEXITCODE); see $log." }
        }
    }
    if ($needAzurite) { Install-Azurite }
}

# Azurite (the Azure Storage emulator) into .tools/azurite, where the tests look for it; without it their tests are skipped.
$AzuriteVersion = '3.37.0'
$AzuriteBin = Join-Path $PSScriptRoot '.tools/azurite/node_modules/.bin/azurite-blob'
function Install-Azurite {
    if (-not (Test-Command 'npm')) { Write-Warning 'npm is missing: the Azure Blob Storage tests will be skipped.'; return }
    Write-Host "Installing azurite $AzuriteVersion with npm into .tools/azurite..."
    $folder = Join-Path $PSScriptRoot '.tools/azurite'
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    $log = Join-Path ([IO.Path]::GetTempPath()) 'media-npm.log'
    & bash -c "npm install --prefix '$folder' --no-audit --no-fund --loglevel=error 'azurite@$AzuriteVersion' > '$log' 2>&1 < /dev/null"
    if ($LASTEXITCODE -ne 0) { Write-Warning "npm install azurite@$AzuriteVersion failed ($LASTEXITCODE; see $log): the Azure Blob Storage tests will be skipped." }
}

function Invoke-Tests {
    Install-TestDependencies
    $results = Join-Path $PSScriptRoot 'TestResults'
    Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
    $env:MEDIA_TEST_LEFTOVERS = Join-Path $results 'leftover-processes.txt' # what the run's end had to kill, if anything
    # A test that hangs is stopped after 10 minutes (its name printed) rather than the run waiting forever; and the whole
    # of dotnet test gets 40 minutes (MEDIA_TEST_LIMIT_MINUTES; the suite takes about 6 here): past that, what still runs
    # is listed, then stopped.
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @('test', 'Media.sln', '-c', 'Release', '--blame-hang-timeout', '10m', '--blame-hang-dump-type', 'none',
            '--logger', 'trx;LogFileName=results.trx', '--logger', 'console;verbosity=minimal', '--results-directory', $results) + $Rest) {
        $start.ArgumentList.Add($a)
    }
    $start.UseShellExecute = $false
    $run = [System.Diagnostics.Process]::Start($start)
    $limit = [TimeSpan]::FromMinutes($(if ($env:MEDIA_TEST_LIMIT_MINUTES) { [double]$env:MEDIA_TEST_LIMIT_MINUTES } else { 40 }))
    if ($run.WaitForExit([int]$limit.TotalMilliseconds)) {
        $run.WaitForExit()
        $code = $run.ExitCode
    } else {
        Write-Host "dotnet test did not end within $($limit.TotalMinutes) minutes; what was running:"
        & ps -eo pid,ppid,etime,args --forest | Write-Host
        $run.Kill($true)
        $code = 124
    }
    if (Test-Path $env:MEDIA_TEST_LEFTOVERS) { Get-Content $env:MEDIA_TEST_LEFTOVERS | Write-Host }

    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem $results -Filter '*.trx' -Recurse -ErrorAction SilentlyContinue) {
        $testRun = ([xml](Get-Content $trx.FullName -Raw)).TestRun
        # The failures again, next to the totals: CI often shows only the end of the output.
        foreach ($result in @($testRun.Results.UnitTestResult) | Where-Object { $_ -and $_.outcome -ne 'Passed' -and $_.outcome -ne 'NotExecuted' }) {
            $message = "$($result.Output.ErrorInfo.Message)".Trim() -split "`n" | Select-Object -First 3
            Write-Host "$($result.outcome): $($result.testName)"
            foreach ($line in $message) { Write-Host "    $($line.TrimEnd())" }
        }
        $counters = $testRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped += [int]$counters.total - [int]$counters.passed - [int]$counters.failed - [int]$counters.error - [int]$counters.timeout - [int]$counters.aborted
    }
    if ($code -ne 0 -and $failed -eq 0) { $failed = 1 } # the run itself broke (build error, crashed host)
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    exit $code
}

# The benchmarks are NUnit tests of category Benchmark (explicit: the normal test run skips them).
function Invoke-Benchmarks {
    Install-TestDependencies
    $quick = $Rest -contains '-Quick' -or $Rest -contains '--quick'
    $output = Join-Path $PSScriptRoot 'bench/results/latest.json'
    New-Item -ItemType Directory -Force -Path (Split-Path $output) | Out-Null
    Remove-Item $output -ErrorAction SilentlyContinue
    $env:MEDIA_BENCH_OUTPUT = $output
    $env:Logging__LogLevel__Default = 'Warning' # the hosts under test stay quiet; the figures are the output
    if ($quick) { $env:MEDIA_BENCH_UNMATCHED_ROWS = '100000'; $env:MEDIA_BENCH_FILES = '10000'; $env:MEDIA_BENCH_COPY_KB = '256'; $env:MEDIA_BENCH_BLOBS = '2000' }
    & dotnet test Media.Tests/Media.Tests.csproj -c Release --filter 'TestCategory=Benchmark' --logger 'console;verbosity=normal'
    $code = $LASTEXITCODE
    if (Test-Path $output) {
        $figures = Get-Content $output -Raw | ConvertFrom-Json
        Write-Host ''
        Write-Host ("{0,-22} {1,-28} {2}" -f 'section', 'figure', 'value')
        foreach ($section in $figures.PSObject.Properties | Where-Object { $_.Value -is [pscustomobject] -and $_.Name -notin @('machine', 'targets') }) {
            foreach ($figure in $section.Value.PSObject.Properties) {
                if ($figure.Value -is [pscustomobject]) {
                    foreach ($inner in $figure.Value.PSObject.Properties) {
                        Write-Host ("{0,-22} {1,-28} {2}" -f "$($section.Name).$($figure.Name)", $inner.Name, $inner.Value)
                    }
                } else {
                    Write-Host ("{0,-22} {1,-28} {2}" -f $section.Name, $figure.Name, $figure.Value)
                }
            }
        }
        if ($figures.targets) {
            Write-Host ''
            Write-Host ("{0,-16} {1,-72} {2,10} {3,-14} {4}" -f 'benchmark', 'target', 'measured', 'limit', 'met')
            foreach ($benchmark in $figures.targets.PSObject.Properties) {
                foreach ($t in $benchmark.Value) {
                    Write-Host ("{0,-16} {1,-72} {2,10} {3,-14} {4}" -f $benchmark.Name, $t.target, $t.measured, $t.limit, $(if ($t.met) { 'met' } else { 'not met' }))
                }
            }
        }
        Write-Host "machine: $($figures.machine.cores) cores, commit $($figures.commit); written to $output"
    }
    exit $code
}

switch ($Target) {
    'run' {
        & dotnet run --project Media.Api/Media.Api.csproj -c Release -- @Rest
        exit $LASTEXITCODE
    }
    'test' { Invoke-Tests }
    'bench' { Invoke-Benchmarks }
}
