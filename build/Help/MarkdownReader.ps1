# Part of build/Build-Help.ps1 (dot-sourced): The cmdlet pages (docs/cmdlets/*.md) read into sections, parameters and examples.

# Inline markup simplified for a console.
function ConvertTo-PlainInline([string] $Text) {
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]*)\)', { param($m) if ($m.Groups[2].Value) { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value } })
    $t = [regex]::Replace($t, '\*\*([^*]+)\*\*', '$1')
    $t = [regex]::Replace($t, '`([^`]+)`', '$1')
    $t
}

# Splits a block of markdown lines into blocks: @{ Kind = 'Para'|'List'|'Code'; Lines = [string[]] }.
function Split-Block([string[]] $Lines) {
    $blocks = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $inCode = $false
    foreach ($line in $Lines) {
        if ($inCode) {
            if ($line -match '^\s*```') { $inCode = $false; $current = $null; continue }
            $current.Lines.Add($line)
            continue
        }
        if ($line -match '^\s*```') {
            $current = @{ Kind = 'Code'; Lines = [System.Collections.Generic.List[string]]::new() }
            $blocks.Add($current)
            $inCode = $true
            continue
        }
        if ($line -match '^\s*$') { $current = $null; continue }
        $isItem = $line -match '^\s*([-*]|\d+\.)\s+'
        if ($isItem) {
            if (-not $current -or $current.Kind -ne 'List') {
                $current = @{ Kind = 'List'; Lines = [System.Collections.Generic.List[string]]::new() }
                $blocks.Add($current)
            }
            $current.Lines.Add(($line.Trim() -replace '^\*\s+', '- '))
            continue
        }
        if ($current -and $current.Kind -eq 'List' -and $line -match '^\s+\S') {
            # Continuation of the previous list item.
            $current.Lines[$current.Lines.Count - 1] += ' ' + $line.Trim()
            continue
        }
        if (-not $current -or $current.Kind -ne 'Para') {
            $current = @{ Kind = 'Para'; Lines = [System.Collections.Generic.List[string]]::new() }
            $blocks.Add($current)
        }
        $current.Lines.Add($line.Trim())
    }
    if ($inCode) { throw 'A fenced code block is not closed.' }
    , $blocks
}

# Blocks as MAML paragraphs: a paragraph per prose block, list item or code block.
function ConvertTo-Paragraph([string[]] $Lines) {
    $paras = [System.Collections.Generic.List[string]]::new()
    foreach ($b in (Split-Block $Lines)) {
        switch ($b.Kind) {
            'Para' { $paras.Add((ConvertTo-PlainInline ($b.Lines -join ' '))) }
            'List' { foreach ($item in $b.Lines) { $paras.Add((ConvertTo-PlainInline $item)) } }
            'Code' { $paras.Add((($b.Lines | ForEach-Object { '    ' + $_ }) -join "`n")) }
        }
    }
    , $paras.ToArray()
}

# Cuts lines at headings of the given level: ordered @{ heading text = lines below it }.
# With -Leading, the lines before the first heading are kept under the name ''.
function Split-Section([string[]] $Lines, [int] $Level, [switch] $Leading) {
    $sections = [ordered]@{}
    $marker = '#' * $Level
    $name = $null
    if ($Leading) { $name = ''; $sections[''] = [System.Collections.Generic.List[string]]::new() }
    $inCode = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inCode = -not $inCode }
        if (-not $inCode -and $line -match "^$marker\s+(.+?)\s*#*\s*$" -and $line -notmatch "^$marker#") {
            $name = $Matches[1]
            if ($sections.Contains($name)) { throw "Heading '$name' appears twice." }
            $sections[$name] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $name) { $sections[$name].Add($line) }
    }
    $sections
}

function Read-ParameterSection([System.Collections.Generic.List[string]] $Lines, [string] $File) {
    $result = @{}
    if (-not $Lines) { return $result }
    $params = Split-Section $Lines.ToArray() 3
    foreach ($key in $params.Keys) {
        if ($key -notmatch '^-(\w+)$') { Write-Warning "${File}: parameter heading '### $key' should be '### -Name'."; continue }
        $paramName = $Matches[1]
        $body = [System.Collections.Generic.List[string]]::new($params[$key])
        $default = $null
        for ($i = $body.Count - 1; $i -ge 0; $i--) {
            if ($body[$i] -match '^\s*$') { continue }
            if ($body[$i] -match '^\s*Default value:\s*(.+?)\s*$') { $default = ConvertTo-PlainInline $Matches[1]; $body.RemoveAt($i) }
            break
        }
        $result[$paramName] = @{ Description = (ConvertTo-Paragraph $body.ToArray()); Default = $default }
    }
    $result
}

function Read-CmdletDoc([string] $File) {
    $lines = [System.IO.File]::ReadAllLines($File)
    $title = $lines | Where-Object { $_ -match '^#\s+\S' } | Select-Object -First 1
    if (-not $title) { throw "${File}: no '# Cmdlet-Name' title." }
    $name = ($title -replace '^#\s+', '').Trim()
    $expected = [System.IO.Path]::GetFileNameWithoutExtension($File)
    if ($name -ne $expected) { throw "${File}: the title '$name' does not match the file name '$expected'." }

    $doc = @{ Name = $name; Synopsis = ''; Description = @(); Parameters = @{}; Examples = @(); Inputs = @(); Outputs = @(); Notes = @(); Links = @() }
    $sections = Split-Section $lines 2
    foreach ($key in $sections.Keys) {
        $body = $sections[$key]
        switch ($key.ToUpperInvariant()) {
            'SYNOPSIS' { $doc.Synopsis = (ConvertTo-Paragraph $body.ToArray()) -join ' ' }
            'SYNTAX' { }
            'DESCRIPTION' { $doc.Description = ConvertTo-Paragraph $body.ToArray() }
            'PARAMETERS' { $doc.Parameters = Read-ParameterSection $body $File }
            'EXAMPLES' {
                $examples = Split-Section $body.ToArray() 3
                $n = 0
                $doc.Examples = @(foreach ($title in $examples.Keys) {
                        $n++
                        $blocks = Split-Block $examples[$title].ToArray()
                        $code = $blocks | Where-Object Kind -eq 'Code' | Select-Object -First 1
                        if (-not $code) { throw "${File}: '$title' has no fenced code block." }
                        $codeIndex = $blocks.IndexOf($code)
                        $remarkLines = @(for ($i = 0; $i -lt $blocks.Count; $i++) {
                                if ($i -eq $codeIndex) { continue }
                                $b = $blocks[$i]
                                if ($b.Kind -eq 'Code') { '```'; $b.Lines; '```' } else { $b.Lines }
                                ''
                            })
                        @{
                            Title = ($title -replace '^Example\s+\d+\s*:?\s*', '').Trim()
                            Number = $n
                            Code = ($code.Lines -join "`n").TrimEnd()
                            Remarks = (ConvertTo-Paragraph $remarkLines)
                        }
                    })
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } {
                $types = Split-Section $body.ToArray() 3
                $list = @(foreach ($t in $types.Keys) { @{ Type = (ConvertTo-PlainInline $t); Description = (ConvertTo-Paragraph $types[$t].ToArray()) } })
                if ($key -eq 'INPUTS') { $doc.Inputs = $list } else { $doc.Outputs = $list }
            }
            'NOTES' { $doc.Notes = ConvertTo-Paragraph $body.ToArray() }
            'RELATED LINKS' {
                $doc.Links = @(foreach ($l in $body) {
                        if ($l -match '^\s*[-*]\s+\[([^\]]+)\]\(([^)]*)\)') { @{ Text = $Matches[1]; Uri = $Matches[2] } }
                        elseif ($l -match '^\s*[-*]\s+(.+?)\s*$') { @{ Text = (ConvertTo-PlainInline $Matches[1]); Uri = '' } }
                    })
            }
            default { Write-Warning "${File}: unknown section '## $key' ignored." }
        }
    }
    $doc
}
