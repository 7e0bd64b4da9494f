# Part of build/Build-Help.ps1 (dot-sourced): The about_SBKube topic as console text.

function Format-Wrapped([string] $Text, [int] $Indent, [int] $Width = 80) {
    $pad = ' ' * $Indent
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ''
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($line -and ($pad.Length + $line.Length + 1 + $word.Length) -gt $Width) { $lines.Add($pad + $line); $line = $word }
        elseif ($line) { $line += ' ' + $word }
        else { $line = $word }
    }
    if ($line) { $lines.Add($pad + $line) }
    $lines
}

function ConvertTo-AboutText([string] $File) {
    $lines = [System.IO.File]::ReadAllLines($File)
    $out = [System.Collections.Generic.List[string]]::new()
    $title = ($lines | Where-Object { $_ -match '^#\s+\S' } | Select-Object -First 1) -replace '^#\s+', ''
    if ($title -ne 'about_SBKube') { throw "${File}: the title must be '# about_SBKube'." }
    $out.Add('TOPIC'); $out.Add('    about_SBKube'); $out.Add('')
    $sections = Split-Section $lines 2
    foreach ($key in $sections.Keys) {
        $out.Add($key.ToUpperInvariant())
        $subs = Split-Section $sections[$key].ToArray() 3 -Leading
        foreach ($sub in $subs.Keys) {
            if ($sub.Trim()) { $out.Add('    ' + (ConvertTo-PlainInline $sub).ToUpperInvariant()) }
            foreach ($b in (Split-Block $subs[$sub].ToArray())) {
                switch ($b.Kind) {
                    'Para' { Format-Wrapped (ConvertTo-PlainInline ($b.Lines -join ' ')) 4 | ForEach-Object { $out.Add($_) } }
                    'List' {
                        foreach ($item in $b.Lines) {
                            $wrapped = @(Format-Wrapped (ConvertTo-PlainInline ($item -replace '^([-*]|\d+\.)\s+', '')) 6)
                            $marker = if ($item -match '^(\d+\.)') { $Matches[1] } else { '-' }
                            $wrapped[0] = '    ' + $marker.PadRight(2) + $wrapped[0].Substring(6)
                            $wrapped | ForEach-Object { $out.Add($_) }
                        }
                    }
                    'Code' { $b.Lines | ForEach-Object { $out.Add(('        ' + $_).TrimEnd()) } }
                }
                $out.Add('')
            }
        }
    }
    while ($out.Count -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }
    ($out -join [Environment]::NewLine) + [Environment]::NewLine
}
